// The registry's liveness engine: pure state. It takes `now` (Unix seconds)
// and returns what changed; the Registry Agent around it does the I/O.
// Semantics follow the Python RegistryAgent (protocol doc §3) with the fixes
// listed in the README's "Differences from the Python registry".

import { DeadlineWheel, type WheelNode } from './deadline-wheel.ts';
import { operationFieldName } from './field-name.ts';
import {
  DEFAULT_LIMITS,
  type HeartbeatLimits,
  HeartbeatScratch,
  newAgentProblem,
  readHeartbeat,
} from './heartbeat.ts';
import { type EncodedAgent, opCodesObject, RegisteredAgent } from './registered-agent.ts';
import { reject, type Rejection, REJECTION_REASONS, type RejectionReason } from './rejection.ts';

export interface RegistryOptions {
  /** e.g. "observatory": heartbeats must come from "{root}.{id}". */
  addressRoot: string;
  /** Seconds of silence after which an agent is expired (Python: 5.0). */
  agentTimeout?: number;
  /** New addresses beyond this are refused; known agents keep working. */
  maxAgents?: number;
  maxOpsPerAgent?: number;
}

/** What one heartbeat or sweep changed for one agent. */
export interface AgentChange {
  readonly kind: 'changed';
  readonly agent: RegisteredAgent;
  readonly at: number;
  readonly joined: boolean;
  readonly revived: boolean;
  readonly restarted: boolean;
  readonly expired: boolean;
  /** The op set or a live code changed. */
  readonly opsChanged: boolean;
  /** Ops gone from the heartbeat: reported once as EXPIRED, then forgotten. */
  readonly vanishedOps: readonly string[];
  /** The agent_operations fields of `vanishedOps` (those it had). */
  readonly vanishedFields: readonly string[];
  /** Fields this agent would share with another agent (e.g. faker-1 / faker_1): withheld. */
  readonly collisions: readonly string[];
}

export type IngestResult = AgentChange | Rejection | null;

export interface RegistryCounters {
  heartbeats: number;
  joined: number;
  revived: number;
  expired: number;
  restarts: number;
  fieldCollisions: number;
  rejected: Record<RejectionReason, number>;
}

const NONE: readonly string[] = Object.freeze([]);

export class Registry {
  readonly agentTimeout: number;
  readonly maxAgents: number;
  readonly counters: RegistryCounters;
  readonly #limits: HeartbeatLimits;
  readonly #agents = new Map<string, RegisteredAgent>();
  /** address -> encoded entry, in join order: the `main` session.data. Live, read-only. */
  readonly #table: Record<string, EncodedAgent> = {};
  readonly #wheel: DeadlineWheel;
  readonly #scratch = new HeartbeatScratch();
  /** agent_operations field -> the address that owns it. */
  readonly #fieldOwners = new Map<string, string>();
  #expiredCount = 0;

  constructor(options: RegistryOptions) {
    this.agentTimeout = options.agentTimeout ?? 5;
    this.maxAgents = options.maxAgents ?? 100_000;
    if (!(this.agentTimeout > 0)) throw new RangeError(`Agent timeout must be positive, got ${this.agentTimeout}`);
    this.#limits = { ...DEFAULT_LIMITS, addressRoot: options.addressRoot, maxOps: options.maxOpsPerAgent ?? 1000 };
    this.#wheel = new DeadlineWheel(this.agentTimeout);
    const rejected = {} as Record<RejectionReason, number>;
    for (const reason of REJECTION_REASONS) rejected[reason] = 0;
    this.counters = { heartbeats: 0, joined: 0, revived: 0, expired: 0, restarts: 0, fieldCollisions: 0, rejected };
  }

  get size(): number {
    return this.#agents.size;
  }

  get expiredCount(): number {
    return this.#expiredCount;
  }

  get(address: string): RegisteredAgent | undefined {
    return this.#agents.get(address);
  }

  agents(): IterableIterator<RegisteredAgent> {
    return this.#agents.values();
  }

  /**
   * The `main` session.data table: {address: encoded entry} for every agent
   * ever seen, expired ones included. Returned by reference and kept current
   * in place, so reading it costs nothing; serialize it to take a snapshot.
   */
  table(): Readonly<Record<string, Readonly<EncodedAgent>>> {
    return this.#table;
  }

  /**
   * One heartbeat event: `topic` is the concrete topic from the event details
   * and `args` the event's positional arguments. Returns the change, null
   * when the agent was only refreshed, or the rejection (nothing changed).
   */
  ingest(topic: unknown, args: unknown, now: number): IngestResult {
    const hb = this.#scratch;
    const problem = readHeartbeat(topic, args, this.#limits, hb);
    if (problem) return this.#rejected(problem);
    const agent = this.#agents.get(hb.address);
    if (!agent) return this.#join(now);

    agent.heartbeats++;
    this.counters.heartbeats++;
    agent.entry.last_updated = now;
    this.#wheel.schedule(agent, now + this.agentTimeout);

    const restarted = hb.sessionId !== null && agent.sessionId !== null && hb.sessionId !== agent.sessionId;
    const wasExpired = agent.entry.expired;
    const sameNames = sameOpNames(agent, hb);
    if (!restarted && !wasExpired && sameNames && sameCodes(agent, hb)) return null;

    // Something changed: the slow path may allocate.
    let vanished: Vanished = NO_VANISHED;
    let collisions = NONE;
    if (!sameNames) {
      // An expired agent's old ops were already reported as EXPIRED.
      if (!wasExpired) vanished = vanishedOps(agent, hb);
      collisions = this.#setOpNames(agent, hb);
    }
    const opsChanged = !sameNames || !sameCodes(agent, hb);
    agent.liveCodes = hb.opCodes.slice(0, hb.opCount);
    if (opsChanged || wasExpired) agent.entry.op_codes = opCodesObject(agent.opNames, agent.liveCodes);
    if (wasExpired) {
      agent.entry.expired = false;
      agent.entry.time_expired = null;
      this.#expiredCount--;
      this.counters.revived++;
    }
    if (restarted) {
      agent.sessionId = hb.sessionId;
      agent.restarts++;
      this.counters.restarts++;
      // A restarted process may be another agent class (Python keeps the first forever).
      if (hb.agentClass !== null) agent.entry.agent_class = hb.agentClass;
    } else if (agent.sessionId === null) {
      agent.sessionId = hb.sessionId;
    }
    agent.lastTransition = now;
    return change(agent, now, false, wasExpired, restarted, false, opsChanged, vanished, collisions);
  }

  /** Expire every agent silent for more than the timeout at `now`. */
  expire(now: number): readonly AgentChange[] {
    let changes: AgentChange[] | undefined;
    this.#wheel.sweep(now, (node: WheelNode) => {
      const agent = node as RegisteredAgent;
      const { entry } = agent;
      entry.expired = true;
      entry.time_expired = agent.deadline; // the moment it expired, stamped once
      entry.op_codes = opCodesObject(agent.opNames, 7);
      agent.lastTransition = now;
      this.#expiredCount++;
      this.counters.expired++;
      (changes ??= []).push(change(agent, now, false, false, false, true, false, NO_VANISHED, NONE));
    });
    return changes ?? NONE_CHANGES;
  }

  #join(now: number): IngestResult {
    const hb = this.#scratch;
    const problem = newAgentProblem(hb, this.#limits);
    if (problem) return this.#rejected(problem);
    if (this.#agents.size >= this.maxAgents) {
      return this.#rejected(reject('registry_full', `Registry is full (${this.maxAgents} agents); refused "${hb.address}"`));
    }
    const agent = new RegisteredAgent(hb.address, hb.agentClass, hb.sessionId, now);
    const collisions = this.#setOpNames(agent, hb);
    agent.liveCodes = hb.opCodes.slice(0, hb.opCount);
    agent.entry.op_codes = opCodesObject(agent.opNames, agent.liveCodes);
    agent.heartbeats = 1;
    this.#agents.set(agent.address, agent);
    this.#table[agent.address] = agent.entry;
    this.#wheel.schedule(agent, now + this.agentTimeout);
    this.counters.heartbeats++;
    this.counters.joined++;
    return change(agent, now, true, false, false, false, hb.opCount > 0, NO_VANISHED, collisions);
  }

  /** Adopt the heartbeat's op names and work out their agent_operations fields. */
  #setOpNames(agent: RegisteredAgent, hb: HeartbeatScratch): readonly string[] {
    const names = hb.opNames.slice(0, hb.opCount);
    const fields: (string | null)[] = [];
    let collisions: string[] | undefined;
    for (const name of names) {
      let field = operationFieldName(agent.address, name);
      if (field !== null) {
        const owner = this.#fieldOwners.get(field);
        if (owner === undefined) this.#fieldOwners.set(field, agent.address);
        else if (owner !== agent.address) {
          (collisions ??= []).push(field);
          this.counters.fieldCollisions++;
          field = null;
        }
      }
      fields.push(field);
    }
    agent.opNames = names;
    agent.fieldNames = fields;
    return collisions ?? NONE;
  }

  #rejected(rejection: Rejection): Rejection {
    this.counters.rejected[rejection.reason]++;
    return rejection;
  }
}

const NONE_CHANGES: readonly AgentChange[] = Object.freeze([]);

function sameOpNames(agent: RegisteredAgent, hb: HeartbeatScratch): boolean {
  const names = agent.opNames;
  if (names.length !== hb.opCount) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== hb.opNames[i]) return false;
  return true;
}

function sameCodes(agent: RegisteredAgent, hb: HeartbeatScratch): boolean {
  const codes = agent.liveCodes;
  if (codes.length !== hb.opCount) return false;
  for (let i = 0; i < codes.length; i++) if (codes[i] !== hb.opCodes[i]) return false;
  return true;
}

interface Vanished { ops: readonly string[]; fields: readonly string[] }
const NO_VANISHED: Vanished = { ops: NONE, fields: NONE };

function vanishedOps(agent: RegisteredAgent, hb: HeartbeatScratch): Vanished {
  const current = new Set(hb.opNames.slice(0, hb.opCount));
  const ops: string[] = [];
  const fields: string[] = [];
  agent.opNames.forEach((name, i) => {
    if (current.has(name)) return;
    ops.push(name);
    const field = agent.fieldNames[i];
    if (field) fields.push(field);
  });
  return ops.length ? { ops, fields } : NO_VANISHED;
}

function change(
  agent: RegisteredAgent,
  at: number,
  joined: boolean,
  revived: boolean,
  restarted: boolean,
  expired: boolean,
  opsChanged: boolean,
  vanished: Vanished,
  collisions: readonly string[],
): AgentChange {
  return {
    kind: 'changed', agent, at, joined, revived, restarted, expired, opsChanged,
    vanishedOps: vanished.ops, vanishedFields: vanished.fields, collisions,
  };
}
