// Reading one heartbeat event (docs/ocs-protocol.md §2.2, §2.4): args[0] is
// [op_codes, feed]. Validation writes into a reused scratch record so that a
// well-formed heartbeat allocates nothing.

import { describeValue, reject, type Rejection } from './rejection.ts';

export interface HeartbeatLimits {
  /** The registry's address root, e.g. "observatory". */
  readonly addressRoot: string;
  readonly maxOps: number;
  readonly maxNameLength: number;
  readonly maxAddressLength: number;
}

export const DEFAULT_LIMITS = { maxOps: 1000, maxNameLength: 255, maxAddressLength: 255 } as const;

/** One validated heartbeat. Reused between calls: copy what you keep. `opNames` is only filled when `sameNames` is false. */
export class HeartbeatScratch {
  address = '';
  topic = '';
  agentClass: string | null = null;
  sessionId: string | null = null;
  opCount = 0;
  readonly opNames: string[] = [];
  readonly opCodes: number[] = [];
  /** Compared while reading against the agent's previous heartbeat. */
  sameNames = false;
  sameCodes = false;
  /** args[0][0] until readOpCodes has checked it. */
  rawOpCodes: unknown = undefined;
}

/** What a heartbeat is compared with: the agent's previous op names and live codes. */
export interface PreviousOps {
  readonly opNames: readonly string[];
  /** Codes packed 4 bits each (see registered-agent.ts), NaN beyond 13 ops. */
  readonly packedCodes: number;
  readonly bigCodes: readonly number[] | null;
}

const NO_PREVIOUS: PreviousOps = { opNames: [], packedCodes: 0, bigCodes: null };

/**
 * Validate the event shape and the feed of `(topic, args)` into `out`: null
 * when well-formed, else the rejection. The caller then checks the topic
 * against the feed's address, finds the agent by address (a new one also
 * needs `newAgentProblem`), and reads the op codes with `readOpCodes`,
 * comparing them with the agent's.
 */
export function readFeed(
  topic: unknown,
  args: unknown,
  limits: HeartbeatLimits,
  out: HeartbeatScratch,
): Rejection | null {
  if (!Array.isArray(args) || args.length < 1) return reject('malformed_event', 'Event has no positional argument');
  const payload = args[0];
  if (!Array.isArray(payload) || payload.length !== 2) {
    return reject('malformed_event', `Event argument is ${describeValue(payload)}, not [op_codes, feed]`);
  }
  const feed: unknown = payload[1];
  if (typeof feed !== 'object' || feed === null || Array.isArray(feed)) {
    return reject('bad_feed', `Feed is ${describeValue(feed)}, not an object`);
  }
  const f = feed as Record<string, unknown>;
  const address = f.agent_address;
  if (typeof address !== 'string') return reject('bad_feed', `Feed agent_address is ${describeValue(address)}`);
  if (typeof topic !== 'string') return reject('topic_mismatch', 'Event has no topic');
  const agentClass = f.agent_class;
  if (agentClass != null && (typeof agentClass !== 'string' || agentClass.length > limits.maxNameLength)) {
    return reject('bad_feed', `Feed agent_class is ${describeValue(agentClass)}, not a name of at most ${limits.maxNameLength}`);
  }
  const sessionId = f.session_id;
  if (sessionId != null && (typeof sessionId !== 'string' || sessionId.length > limits.maxNameLength)) {
    return reject('bad_feed', `Feed session_id is ${describeValue(sessionId)}, not a string of at most ${limits.maxNameLength}`);
  }
  out.rawOpCodes = payload[0];
  out.address = address;
  out.topic = topic;
  out.agentClass = (agentClass as string | null | undefined) ?? null;
  out.sessionId = (sessionId as string | null | undefined) ?? null;
  return null;
}

export function topicMismatch(scratch: HeartbeatScratch): Rejection {
  const { address, topic } = scratch;
  return reject('topic_mismatch', `Heartbeat for ${describeValue(address)} arrived on topic ${describeValue(topic)}`);
}

/** The check only a new agent needs: address "{root}.{id}" (one component after the root). */
export function newAgentProblem(scratch: HeartbeatScratch, limits: HeartbeatLimits): Rejection | null {
  const { address } = scratch;
  const root = limits.addressRoot;
  if (
    address.length > limits.maxAddressLength || address.length <= root.length + 1 ||
    !address.startsWith(root) || address.charCodeAt(root.length) !== 46 /* . */ ||
    address.indexOf('.', root.length + 1) !== -1
  ) {
    return reject('bad_address', `Address ${describeValue(address)} is not "${root}.<instance_id>"`);
  }
  return null;
}

/** Validate the op codes into `out`, comparing them with `previous` in the same pass. */
export function readOpCodes(out: HeartbeatScratch, limits: HeartbeatLimits, previous: PreviousOps = NO_PREVIOUS): Rejection | null {
  const value = out.rawOpCodes;
  out.rawOpCodes = undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('bad_op_codes', `Op codes are ${describeValue(value)}, not an object`);
  }
  const codes = value as Record<string, unknown>;
  const names = out.opNames;
  const values = out.opCodes;
  const prevNames = previous.opNames;
  const bigCodes = previous.bigCodes;
  let sameNames = true;
  let sameBigCodes = bigCodes !== null;
  let packed = 0;
  let n = 0;
  for (const name in codes) {
    if (n === limits.maxOps) return reject('too_many_ops', `More than ${limits.maxOps} ops in one heartbeat`);
    const code = codes[name];
    // (code & 15) !== code rejects fractions, NaN and infinities in one cheap test.
    if (typeof code !== 'number' || (code & 15) !== code || code < 1 || code > 8) {
      return reject('bad_op_code', `Op ${describeValue(name)} has code ${describeValue(code)}, not an integer 1..8`);
    }
    // While the names repeat the previous heartbeat's (already valid) ones,
    // they need no check and no copy: `names` is filled from the first difference.
    if (!sameNames || name !== prevNames[n]) {
      if (name.length === 0 || name.length > limits.maxNameLength || name === '__proto__') {
        return reject('bad_op_name', `Op name ${describeValue(name)} is empty, too long or reserved`);
      }
      if (sameNames) {
        sameNames = false;
        for (let i = 0; i < n; i++) names[i] = prevNames[i] as string;
      }
      names[n] = name;
    }
    if (bigCodes !== null && code !== bigCodes[n]) sameBigCodes = false;
    packed = packed * 16 + code;
    values[n] = code;
    n++;
  }
  // Fewer ops than before, all repeated: `names` still needs them.
  if (sameNames && n !== prevNames.length) { for (let i = 0; i < n; i++) names[i] = prevNames[i] as string; }
  out.opCount = n;
  out.sameNames = sameNames && n === prevNames.length;
  out.sameCodes = out.sameNames && (n <= 13 ? packed === previous.packedCodes : sameBigCodes);
  return null;
}
