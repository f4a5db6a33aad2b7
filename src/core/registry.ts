// The registry's liveness engine: pure state. It takes `now` (Unix seconds)
// and returns what changed; the Registry Agent around it does the I/O.
// Semantics follow the Python RegistryAgent (docs/ocs-protocol.md §3) with the fixes
// listed in the README's "Differences from the Python registry".

import { AddressIndex } from './address-index.ts';
import { AgentStore, GRACED, LISTENED_AT, SUSPECT, SUSPECT_LATE, SUSPECT_LEFT } from './agent-store.ts';
import { DeadlineWheel } from './deadline-wheel.ts';
import { addressFieldPrefix, operationFieldName } from './field-name.ts';
import { DEFAULT_FLAP_RULE, FlapDetector, type FlapKind, type FlapRule } from './flapping.ts';
import { DEFAULT_LIMITS, type HeartbeatLimits, HeartbeatScratch, newAgentProblem, readFeed, readOpCodes, topicMismatch } from './heartbeat.ts';
import { type EncodedAgent, opCodesObject, packCodes, RegisteredAgent } from './registered-agent.ts';
import { readSavedAgent, type SavedAgent, type SavedState } from './saved-state.ts';
import type { Transition, TransitionHistory } from './transition-history.ts';
import { describeValue, reject, type Rejection, REJECTION_REASONS, type RejectionReason } from './rejection.ts';
import { fnv1a, fnv1aRange } from './string-hash.ts';
import { HeartbeatText, rangeIs, sameOpNames, scanHeartbeatArgs } from './heartbeat-text.ts';
import type { RegistryView } from './view.ts';

export interface RegistryOptions {
  /** e.g. "observatory": heartbeats must come from "{root}.{id}". */
  addressRoot: string;
  /** Seconds of silence after which an agent is expired (Python: 5.0). */
  agentTimeout?: number;
  /** Timeouts of some agent classes, e.g. {AggregatorAgent: 30}; the others use agentTimeout. */
  classTimeouts?: Readonly<Record<string, number>>;
  /**
   * An agent is suspect once its next heartbeat is late by more than this many
   * of its own mean intervals (default 2: silent for 3 intervals, at least
   * `suspectMinSeconds`); Infinity: never. Suspect is ours, not OCS's: session.data does not show it.
   */
  suspectAfter?: number;
  /** The shortest silence that makes an agent suspect (default 1 s), whatever its interval. */
  suspectMinSeconds?: number;
  /** Flapping: more than `limit` revivals or restarts within `window` seconds (default 3 in 600). */
  flapping?: FlapRule;
  /** New addresses beyond this are refused; known agents keep working. */
  maxAgents?: number;
  /**
   * Forget an agent expired for more than this many seconds of listening time
   * (gone from session.data, the API and the state; a later heartbeat joins it
   * as new). Default Infinity: never, as Python.
   */
  forgetAfter?: number | null;
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
  /** It became suspect (its heartbeat is late, or its session left): see agent.suspect. */
  readonly suspected: boolean;
  /** It was suspect and was heard again (or expired). */
  readonly unsuspected: boolean;
  /** It was just flagged flapping: see agent.flapReason. */
  readonly startedFlapping: boolean;
  /** It was flapping and has settled. */
  readonly stoppedFlapping: boolean;
  /** Ops gone from the heartbeat: reported once as EXPIRED, then forgotten. */
  readonly vanishedOps: readonly string[];
  /** The address whose agent_operations fields this agent would share (faker-1 / faker_1); set on join. */
  readonly collidesWith: string | null;
  /** On a join into a full table: the agent expired longest, forgotten to make room. */
  readonly forgot: RegisteredAgent | null;
  /** The agent (expired for more than forgetAfter) was forgotten: only its encoded entry is left to read (agent.forgotten). */
  readonly forgotten: boolean;
}

export type IngestResult = AgentChange | Rejection | null;

/** What restoring a saved state did: the agents found expired by the downtime (to publish as 7 once), or why the file was refused. */
export type RestoreResult =
  | { readonly ok: true; readonly agents: number; readonly expired: readonly AgentChange[] }
  | { readonly ok: false; readonly problem: string };

export interface RegistryCounters {
  heartbeats: number;
  joined: number;
  revived: number;
  expired: number;
  restarts: number;
  /** Times an agent became suspect. */
  suspected: number;
  /** Times an agent was flagged flapping. */
  flapping: number;
  fieldCollisions: number;
  /** Expired agents forgotten: to make room for new ones in a full table, or expired for more than forgetAfter. */
  forgotten: number;
  rejected: Record<RejectionReason, number>;
}

const NONE: readonly string[] = Object.freeze([]);
const HEARTBEAT_SUFFIX = '.feeds.heartbeat';
/** Pool key of the all-EXPIRED op_codes (packed codes are never negative). */
const EXPIRED_KEY = -1;

export class Registry implements RegistryView {
  readonly addressRoot: string;
  readonly agentTimeout: number;
  readonly classTimeouts: Readonly<Record<string, number>>;
  readonly suspectAfter: number;
  readonly suspectMinSeconds: number;
  readonly maxAgents: number;
  readonly forgetAfter: number;
  readonly counters: RegistryCounters;
  readonly flaps: FlapDetector;
  /** 1 + suspectAfter: the silence, in mean intervals, that makes an agent suspect. */
  readonly #suspectFactor: number;
  /** Class name -> index into the store's `timeouts`. */
  readonly #classTimeouts = new Map<string, number>();
  readonly #limits: HeartbeatLimits;
  /** Agent numbers by address: the heartbeat's lookup (see address-index.ts). */
  readonly #index: AddressIndex;
  /** Agents by their index in the wheel and the store. */
  readonly #byIndex: RegisteredAgent[] = [];
  readonly #store = new AgentStore();
  /** address -> agent (which is its encoded entry), in join order: the `main` session.data. Live, read-only. */
  readonly #table: Record<string, EncodedAgent> = {};
  /** One shared array per distinct list of op names (agents of a class share theirs). */
  readonly #opNameLists = new Map<string, readonly string[]>();
  /** The list #opNames gave last. */
  #lastOpNames: readonly string[] = NONE;
  readonly #wheel: DeadlineWheel;
  readonly #scratch = new HeartbeatScratch();
  readonly #text = new HeartbeatText();
  /**
   * Hash of an agent_operations field prefix -> the address(es) owning a
   * prefix with that hash. A number key and the agent's own address string:
   * no string per agent kept just for collision checks.
   */
  readonly #prefixOwners = new Map<number, string | string[]>();
  /**
   * Shared op_codes objects: agents with the same op list and codes (every
   * idle FakeDataAgent) point at one frozen object instead of one each.
   * Keyed by the interned op-name list, then by the packed codes (EXPIRED_KEY: all 7).
   */
  readonly #opCodesPool = new Map<readonly string[], Map<number, Record<string, number>>>();
  /** One string per agent class name, not one per agent. */
  readonly #classNames = new Map<string, string>();
  #expiredCount = 0;
  /**
   * Expired agents in the order they expired (with the time_expired they had
   * then): the front is the agent expired longest, the first to forget when
   * the table is full. Entries of agents revived since are skipped lazily.
   */
  #expiredOrder: { agent: RegisteredAgent; at: number }[] = [];
  #expiredHead = 0;
  /**
   * Silence is counted on the listening clock: wall time minus every span in
   * which the registry could not hear heartbeats (not subscribed, or stalled).
   * Deadlines in the wheel are on that clock; `#deafSeconds` is the sum of
   * those spans so far, `#deafSince` the start of the current one (NaN: listening).
   */
  #deafSeconds = 0;
  #deafSince = Number.NaN;
  #suspectCount = 0;

  constructor(options: RegistryOptions) {
    this.addressRoot = options.addressRoot;
    this.agentTimeout = options.agentTimeout ?? 5;
    this.maxAgents = options.maxAgents ?? 100_000;
    this.forgetAfter = options.forgetAfter ?? Number.POSITIVE_INFINITY;
    if (!(this.forgetAfter > 0)) throw new RangeError(`Forget-after must be a positive number of seconds, got ${this.forgetAfter}`);
    if (!(this.agentTimeout > 0)) throw new RangeError(`Agent timeout must be positive, got ${this.agentTimeout}`);
    this.classTimeouts = Object.freeze({ ...options.classTimeouts });
    const timeouts = [this.agentTimeout];
    for (const [name, seconds] of Object.entries(this.classTimeouts)) {
      if (!(seconds > 0)) throw new RangeError(`Timeout of agent class "${name}" must be positive, got ${seconds}`);
      if (timeouts.length > 255) throw new RangeError('At most 255 agent classes may have their own timeout');
      this.#classTimeouts.set(name, timeouts.push(seconds) - 1);
    }
    this.#store.timeouts = timeouts;
    this.suspectAfter = options.suspectAfter ?? 2;
    this.suspectMinSeconds = options.suspectMinSeconds ?? 1;
    if (!(this.suspectAfter >= 0)) throw new RangeError(`Suspect threshold must be at least 0 intervals, got ${this.suspectAfter}`);
    this.#suspectFactor = 1 + this.suspectAfter;
    this.flaps = new FlapDetector(options.flapping ?? DEFAULT_FLAP_RULE);
    this.#limits = { ...DEFAULT_LIMITS, addressRoot: options.addressRoot, maxOps: options.maxOpsPerAgent ?? 1000 };
    // Every agent's address is "{root}.{id}" (newAgentProblem): the index hashes and keeps only the id.
    this.#index = new AddressIndex(1024, undefined, `${options.addressRoot}.`);
    this.#wheel = new DeadlineWheel(Math.max(...timeouts));
    const rejected = {} as Record<RejectionReason, number>;
    for (const reason of REJECTION_REASONS) rejected[reason] = 0;
    this.counters = { heartbeats: 0, joined: 0, revived: 0, expired: 0, restarts: 0, suspected: 0, flapping: 0, fieldCollisions: 0, forgotten: 0, rejected };
  }

  get size(): number {
    return this.#byIndex.length;
  }

  get expiredCount(): number {
    return this.#expiredCount;
  }

  /** Live agents that are suspect now. */
  get suspectCount(): number {
    return this.#suspectCount;
  }

  /** Agents flagged flapping now. */
  get flappingCount(): number {
    return this.flaps.flapping;
  }

  /** The timeout of agents of this class. */
  timeoutOf(agentClass: string | null): number {
    return this.#store.timeouts[this.#timeoutId(agentClass)] as number;
  }

  #timeoutId(agentClass: string | null): number {
    return (agentClass === null ? undefined : this.#classTimeouts.get(agentClass)) ?? 0;
  }

  get(address: string): RegisteredAgent | undefined {
    const index = address.length > this.#limits.maxAddressLength ? -1 : this.#index.get(address);
    return index < 0 ? undefined : this.#byIndex[index];
  }

  /** Every agent tracked, in join order until one is forgotten (the last one joined then takes its slot: see #forget). */
  agents(): readonly RegisteredAgent[] {
    return this.#byIndex;
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
    const feedProblem = readFeed(topic, args, this.#limits, hb);
    if (feedProblem) return this.#rejected(feedProblem);
    // The topic must be "{agent_address}.feeds.heartbeat" (no spoofing, Q1):
    // checked on the event's own strings, not on the agent's (cold) copy.
    const { topic: t, address } = hb;
    if (t.length !== address.length + HEARTBEAT_SUFFIX.length || !t.endsWith(HEARTBEAT_SUFFIX) || !t.startsWith(address)) {
      return this.#rejected(topicMismatch(hb));
    }
    const agent = this.get(address);
    const opsProblem = readOpCodes(hb, this.#limits, agent);
    if (opsProblem) return this.#rejected(opsProblem);
    if (!agent) return this.#join(now);

    const mean = agent.heard(now);
    this.counters.heartbeats++;
    const index = agent.index;
    const store = this.#store;
    const listened = this.listeningTime(now);
    this.#schedule(index, listened, mean, listened + store.timeoutOf(index));
    // Session ids are compared by hash: the agent's own string is a cache miss
    // at 10k agents. Equal hashes of different ids (1 in 2^32) miss a restart.
    const session = hb.sessionId === null ? Number.NaN : fnv1a(hb.sessionId);
    const restarted = agent.isOtherSession(session);
    const wasExpired = agent.expired;
    const flags = store.flagsOf(index);
    if (flags & GRACED) store.setFlags(index, flags & ~GRACED);
    const wasSuspect = (flags & SUSPECT) !== 0;
    if (!restarted && !wasExpired && !wasSuspect && hb.sameCodes) return null;

    // Something changed: the slow path may allocate.
    // An expired agent's old ops were already reported as EXPIRED.
    const vanished = hb.sameNames || wasExpired ? NONE : vanishedOps(agent.opNames, hb);
    const opsChanged = !hb.sameCodes;
    if (opsChanged || wasExpired) this.#setOps(agent, now);
    const unsuspected = wasSuspect && this.#unsuspect(agent, now);
    let startedFlapping = false;
    if (wasExpired) {
      agent.revive(now);
      this.#expiredCount--;
      this.counters.revived++;
      startedFlapping = this.#flapped(agent, 'revival', now);
    }
    if (restarted) {
      agent.restarted(hb.sessionId as string, hb.agentClass && this.#className(hb.agentClass), now);
      this.counters.restarts++;
      this.#retime(agent, now, mean);
      startedFlapping = this.#flapped(agent, 'restart', now) || startedFlapping;
    } else if (!agent.hasSession && hb.sessionId !== null) {
      agent.adoptSession(hb.sessionId);
    }
    return change(agent, now, { revived: wasExpired, restarted, opsChanged, vanishedOps: vanished, unsuspected, startedFlapping });
  }

  /**
   * `ingest` for the usual heartbeat, read in place from an EVENT's JSON text:
   * `text[topicFrom, topicTo)` is the topic's characters and `text[argsFrom,
   * argsTo)` the compact JSON of the args. When it is a known agent saying
   * exactly what it said last time (same ops, codes and session, not expired
   * or suspect), the agent is refreshed as `ingest` would refresh it (which
   * then returns null) and this returns true. Otherwise nothing is done and
   * it returns false: parse the event and `ingest` it. No string or object is
   * made from the text (see heartbeat-text.ts).
   */
  refreshFromText(text: string, topicFrom: number, topicTo: number, argsFrom: number, argsTo: number, now: number): boolean {
    const hb = this.#text;
    if (!scanHeartbeatArgs(text, argsFrom, argsTo, this.#limits.maxNameLength, hb)) return false;
    if (!rangeIs(text, topicFrom, topicTo, text, hb.addressFrom, hb.addressTo, HEARTBEAT_SUFFIX)) return false;
    if (hb.addressTo - hb.addressFrom > this.#limits.maxAddressLength) return false;
    const index = this.#index.getIn(text, hb.addressFrom, hb.addressTo);
    if (index < 0) return false;
    const agent = this.#byIndex[index] as RegisteredAgent;
    if (agent.expired || hb.packedCodes !== agent.packedCodes || !sameOpNames(hb, agent.opNames)) return false;
    const session = hb.sessionFrom < 0 ? Number.NaN : fnv1aRange(text, hb.sessionFrom, hb.sessionTo);
    // A restart, or a first session id to adopt: ingest's slow path.
    if (agent.isOtherSession(session) || (!agent.hasSession && session === session)) return false;
    const store = this.#store;
    const flags = store.flagsOf(index);
    if ((flags & SUSPECT) !== 0) return false;
    // What ingest does for a heartbeat that changes nothing, in its order.
    const mean = agent.heard(now);
    this.counters.heartbeats++;
    const listened = this.listeningTime(now);
    this.#schedule(index, listened, mean, listened + store.timeoutOf(index));
    if (flags & GRACED) store.setFlags(index, flags & ~GRACED);
    return true;
  }

  /**
   * Make a live agent suspect at once: its WAMP session left the router
   * (meta API). A leave is not a death (agents rejoin), so it does not
   * expire any sooner; its next heartbeat clears it. Null if nothing changed.
   */
  suspect(address: string, now: number): AgentChange | null {
    const agent = this.get(address);
    if (agent === undefined || agent.expired) return null;
    if (!agent.suspected(SUSPECT_LEFT, now, now)) return null;
    this.#suspectCount++;
    this.counters.suspected++;
    return change(agent, now, { suspected: true });
  }

  /**
   * The agent_operations field of one op of `agent`, built when publishing
   * rather than stored per agent; null when Python would skip it or the
   * agent's fields collide with another's.
   */
  fieldName(agent: Pick<RegisteredAgent, 'collidesWith' | 'agent_address'>, op: string): string | null {
    return agent.collidesWith !== null ? null : operationFieldName(agent.agent_address, op);
  }

  /** True unless the registry said it cannot hear heartbeats (see `deafFrom`). */
  get listening(): boolean {
    return this.#deafSince !== this.#deafSince;
  }

  /** Seconds of wall time in which the registry could not hear, so far (and up to `now` if deaf now). */
  deafSeconds(now: number): number {
    return this.listening ? this.#deafSeconds : this.#deafSeconds + Math.max(0, now - this.#deafSince);
  }

  /** The listening clock at wall time `now`: frozen while deaf. */
  listeningTime(now: number): number {
    return (this.listening ? now : this.#deafSince) - this.#deafSeconds;
  }

  /**
   * From `now` on the registry cannot hear heartbeats (its router link is
   * down, it is not subscribed): agents' silence stops counting until
   * `listenFrom`. Call `expire(now)` first so expiries due by now are stamped
   * in this listening span.
   */
  deafFrom(now: number): void {
    if (this.listening) this.#deafSince = now;
  }

  /**
   * Heartbeats reach the registry again from `now` (subscribed anew).
   * `rejoined`: after a lost router link (not a stall of its own), the agents
   * may need a moment to reach the router again too (a crossbar restart drops
   * everyone): each live agent heard since its last grace gets a full timeout
   * from now, once. So a restart of the router expires nobody, and a flapping
   * link keeps a dead agent at most one timeout (plus the outages) longer.
   */
  listenFrom(now: number, rejoined = false): void {
    if (this.listening) return;
    this.#deafSeconds += Math.max(0, now - this.#deafSince);
    this.#deafSince = Number.NaN;
    if (rejoined) this.grace(now, true);
  }

  /**
   * Give every live agent a full timeout from `now` (used after a restart
   * from saved state, where nothing about the gap is known, and, `once`, at a
   * rejoin: then only agents not graced since they were last heard). O(agents),
   * rare. `last_updated` is untouched: it still says when each agent was last heard.
   */
  grace(now: number, once = false): void {
    const store = this.#store;
    const listened = this.listeningTime(now);
    for (const agent of this.#byIndex) {
      if (agent.expired) continue;
      const i = agent.index;
      if (once) {
        const flags = store.flagsOf(i);
        if (flags & GRACED) continue;
        store.setFlags(i, flags | GRACED);
      }
      // Its silence counts from the grace, as if heard then (last_updated says when it really was).
      const from = Math.max(store.get(i, LISTENED_AT), listened);
      store.set(i, LISTENED_AT, from);
      const expiresAt = from + agent.timeout;
      const next = store.flagsOf(i) & SUSPECT_LATE ? expiresAt : this.#nextDeadline(from, agent.meanInterval, expiresAt);
      if (this.#wheel.deadline(i) < next) this.#wheel.schedule(i, next);
    }
  }

  /**
   * Expire every agent silent for more than its timeout of listening time at
   * `now` (nobody while deaf; `time_expired` is the wall time its silence
   * crossed the timeout); mark suspect those whose heartbeat is late; unflag
   * agents that stopped flapping.
   */
  expire(now: number): readonly AgentChange[] {
    if (!this.listening) return NONE_CHANGES;
    let changes: AgentChange[] | undefined;
    const deaf = this.#deafSeconds;
    const store = this.#store;
    const expiredBefore = this.#expiredOrder.length;
    this.#wheel.sweep(now - deaf, (index) => {
      const expiresAt = store.get(index, LISTENED_AT) + store.timeoutOf(index);
      if (!(now - deaf > expiresAt)) {
        // The suspect deadline: late, but not yet expired. Only the store's rows are read: the agent object is not touched.
        const since = this.#wheel.deadline(index) + deaf;
        this.#wheel.schedule(index, expiresAt);
        if (!store.markSuspect(index, SUSPECT_LATE, since, now)) return;
        this.#suspectCount++;
        this.counters.suspected++;
        (changes ??= []).push(change(this.#byIndex[index] as RegisteredAgent, now, { suspected: true }));
        return;
      }
      const agent = this.#byIndex[index] as RegisteredAgent;
      const unsuspected = this.#unsuspect(agent, now);
      agent.expire(expiresAt + deaf, now, this.#sharedOpCodes(agent.opNames, EXPIRED_KEY, null));
      this.#expiredCount++;
      this.counters.expired++;
      this.#expiredOrder.push({ agent, at: agent.time_expired as number });
      (changes ??= []).push(change(agent, now, { expired: true, unsuspected }));
    });
    if (this.#expiredOrder.length > expiredBefore + 1) this.#sortExpiredFrom(expiredBefore);
    if (this.forgetAfter !== Number.POSITIVE_INFINITY && this.#expiredCount > 0) changes = this.#forgetExpired(now - deaf, now, changes);
    if (changes !== undefined) this.#trimExpiredOrder();
    if (this.flaps.flapping > 0) {
      for (const index of this.flaps.settle(now)) {
        const agent = this.#byIndex[index] as RegisteredAgent;
        agent.setFlapping(null, now);
        (changes ??= []).push(change(agent, now, { stoppedFlapping: true }));
      }
    }
    return changes ?? NONE_CHANGES;
  }

  /**
   * The wheel hands out one sweep's expiries bucket by bucket, in any order
   * within a bucket: order them by time_expired, so the front of the list is
   * always the agent expired longest (to the millisecond, not to the bucket).
   */
  #sortExpiredFrom(from: number): void {
    // Insertion sort: the entries come nearly in order (bucket by bucket), so this is one pass that seldom moves one.
    const order = this.#expiredOrder;
    for (let i = from + 1; i < order.length; i++) {
      const entry = order[i] as { agent: RegisteredAgent; at: number };
      let j = i - 1;
      while (j >= from && (order[j] as { at: number }).at > entry.at) {
        order[j + 1] = order[j] as { agent: RegisteredAgent; at: number };
        j--;
      }
      order[j + 1] = entry;
    }
  }

  /**
   * Forget the agents expired for more than forgetAfter seconds of listening
   * time (`listened`): the front of the expiry order, until one is not due.
   * An agent's expiry on the listening clock is exactly LISTENED_AT + its
   * timeout (it expired the moment its silence crossed it).
   */
  #forgetExpired(listened: number, now: number, changes: AgentChange[] | undefined): AgentChange[] | undefined {
    for (let agent = this.#longestExpired(); agent !== null; agent = this.#longestExpired()) {
      const expiredAt = this.#store.get(agent.index, LISTENED_AT) + agent.timeout;
      if (!(listened - expiredAt > this.forgetAfter)) break;
      (changes ??= []).push(change(agent, now, { forgotten: true }));
      this.#forget(agent);
    }
    return changes;
  }

  /**
   * Agent `index` was heard at `listened` (listening clock): put it in the
   * wheel at its suspect deadline, or at `expiresAt` when that comes first.
   */
  #schedule(index: number, listened: number, mean: number, expiresAt: number): void {
    this.#store.set(index, LISTENED_AT, listened);
    this.#wheel.schedule(index, this.#nextDeadline(listened, mean, expiresAt));
  }

  /** The suspect deadline of an agent heard at `now` (listening clock), or `expiresAt` if that comes first or its interval is not known. */
  #nextDeadline(now: number, mean: number, expiresAt: number): number {
    const suspectAt = now + Math.max(mean * this.#suspectFactor, this.suspectMinSeconds); // NaN while the interval is unknown
    return suspectAt < expiresAt ? suspectAt : expiresAt;
  }

  /** Its class may have changed (a restart): take that class's timeout from now on. */
  #retime(agent: RegisteredAgent, now: number, mean: number): void {
    const id = this.#timeoutId(agent.agent_class);
    if (id === this.#store.timeoutIdOf(agent.index)) return;
    agent.useTimeout(id);
    const listened = this.listeningTime(now);
    this.#schedule(agent.index, listened, mean, listened + agent.timeout);
  }

  #unsuspect(agent: RegisteredAgent, now: number): boolean {
    if (!agent.unsuspected(now)) return false;
    this.#suspectCount--;
    return true;
  }

  /** A revival or restart: true when it makes the agent flapping. */
  #flapped(agent: RegisteredAgent, kind: FlapKind, now: number): boolean {
    const reason = this.flaps.record(agent.index, kind, now);
    if (reason === null) return false;
    agent.setFlapping(reason, now);
    this.counters.flapping++;
    return true;
  }

  /**
   * Fill an empty registry from a saved state (saved-state.ts), counting the
   * downtime: an agent alive in the file but silent for more than its timeout
   * at `now` is expired at its last heartbeat + timeout (returned, so its ops
   * are published as EXPIRED once); one still within its timeout is not
   * expired by the restart: its silence counts from `now` on the listening
   * clock (the caller makes the registry deaf until it is subscribed).
   * Each record is checked (types, then the heartbeat's own rules) and
   * restored in one pass; one bad record refuses the whole file: what was
   * restored before it is undone, leaving the registry empty. `history`
   * receives the agents' saved transitions, once the whole file is restored.
   */
  restore(state: SavedState, now: number, history: TransitionHistory | null = null): RestoreResult {
    if (this.#byIndex.length > 0) return { ok: false, problem: 'the registry already tracks agents' };
    const count = state.records.length;
    if (count > this.maxAgents) return { ok: false, problem: `more than ${this.maxAgents} agents` };
    const before = { expired: this.counters.expired, fieldCollisions: this.counters.fieldCollisions };
    const expired: AgentChange[] = [];
    const histories: [number, string, readonly Transition[]][] = [];
    const listened = this.listeningTime(now);
    for (let i = 0; i < count; i++) {
      const saved = readSavedAgent(state, i);
      const problem = typeof saved === 'string' ? saved : this.#restoreAgent(saved, now, listened, expired, i);
      if (problem !== null) {
        this.#undoRestore(before);
        return { ok: false, problem };
      }
      const past = (saved as SavedAgent).history;
      if (past !== null && past.length > 0) histories.push([(past.at(-1) as Transition).at, (saved as SavedAgent).address, past]);
    }
    // Only now, as nothing is undone any more: the living in the wheel, the expired in their order, the histories.
    for (const agent of this.#byIndex) if (!agent.expired) this.#schedule(agent.index, listened, agent.meanInterval, listened + agent.timeout);
    const byExpiry = this.#byIndex.filter((a) => a.expired).sort((a, b) => (a.time_expired as number) - (b.time_expired as number));
    for (const agent of byExpiry) this.#expiredOrder.push({ agent, at: agent.time_expired as number });
    if (history !== null) {
      // Least recently changed first: the history's own order.
      histories.sort((a, b) => a[0] - b[0]);
      for (const [, address, past] of histories) history.restore(address, past);
    }
    return { ok: true, agents: count, expired };
  }

  /** Check saved agent `i` with the heartbeat rules and add it (expired if the downtime says so): null, or why the file is refused. */
  #restoreAgent(saved: SavedAgent, now: number, listened: number, expired: AgentChange[], i: number): string | null {
    const problem = this.#readSaved(saved) ?? (this.get(saved.address) !== undefined ? `${describeValue(saved.address)} appears twice` : null);
    if (problem !== null) return `agent ${i}: ${problem}`;
    const agent = this.#add(saved.agentClass, saved.sessionId, saved.firstSeen);
    this.#setOps(agent, saved.lastTransition);
    agent.restoreHistory(saved.lastUpdated, saved.restarts, saved.heartbeats, saved.firstSeen, saved.lastTransition);
    if (saved.intervals !== null) agent.restoreIntervals(...saved.intervals);
    if (saved.flaps !== null) this.#restoreFlaps(agent, saved.flaps, saved.lastTransition);
    const deadline = saved.lastUpdated + agent.timeout;
    if (saved.expired || now > deadline) {
      const at = saved.expired ? (saved.timeExpired as number) : deadline;
      agent.expire(at, saved.expired ? saved.lastTransition : now, this.#sharedOpCodes(agent.opNames, EXPIRED_KEY, null));
      // On the listening clock it expired (now - at) ago: the downtime counts toward forgetting it, as it did toward expiring it.
      this.#store.set(agent.index, LISTENED_AT, listened - (now - at) - agent.timeout);
      this.#expiredCount++;
      if (!saved.expired) {
        this.counters.expired++;
        expired.push(change(agent, now, { expired: true }));
      }
    }
    return null;
  }

  /** A refused file: forget every agent restored so far (none is in the wheel yet), so the registry is as it was, empty. */
  #undoRestore(before: { expired: number; fieldCollisions: number }): void {
    for (const agent of this.#byIndex) {
      const address = agent.agent_address;
      this.#index.delete(address);
      delete this.#table[address];
      if (agent.collidesWith === null) this.#releaseFieldPrefix(address);
      this.flaps.forget(agent.index);
      this.#store.clear(agent.index);
    }
    this.#byIndex.length = 0;
    this.#expiredCount = 0;
    this.counters.expired = before.expired;
    this.counters.fieldCollisions = before.fieldCollisions;
  }

  /** An agent flapping before the restart is flapping after it; its recent revivals and restarts still count. */
  #restoreFlaps(agent: RegisteredAgent, flaps: NonNullable<SavedAgent['flaps']>, lastTransition: number): void {
    this.flaps.restore(agent.index, flaps.recent, flaps.reason !== null);
    if (flaps.reason !== null) agent.setFlapping(flaps.reason, lastTransition);
  }

  /** Check one saved agent with the heartbeat rules, leaving it in the scratch record. */
  #readSaved(saved: SavedAgent): string | null {
    const hb = this.#scratch;
    const feed = { agent_address: saved.address, agent_class: saved.agentClass, session_id: saved.sessionId };
    const problem = readFeed(`${saved.address}${HEARTBEAT_SUFFIX}`, [[saved.opCodes, feed]], this.#limits, hb) ??
      newAgentProblem(hb, this.#limits) ?? readOpCodes(hb, this.#limits);
    return problem === null ? null : problem.detail;
  }

  #join(now: number): IngestResult {
    const hb = this.#scratch;
    const problem = newAgentProblem(hb, this.#limits);
    if (problem) return this.#rejected(problem);
    let forgot: RegisteredAgent | null = null;
    if (this.#byIndex.length >= this.maxAgents) {
      // Room for a real agent: the one expired longest is forgotten (a flood's expired entries do not lock the table).
      forgot = this.#longestExpired();
      if (forgot === null) {
        return this.#rejected(reject('registry_full', `Registry is full (${this.maxAgents} live agents); refused ${describeValue(hb.address)}`));
      }
      this.#forget(forgot);
    }
    const agent = this.#add(hb.agentClass, hb.sessionId, now);
    this.#setOps(agent, now);
    const listened = this.listeningTime(now);
    this.#schedule(agent.index, listened, Number.NaN, listened + agent.timeout);
    this.counters.heartbeats++;
    this.counters.joined++;
    return change(agent, now, { joined: true, opsChanged: hb.opCount > 0, collidesWith: agent.collidesWith, forgot });
  }

  /**
   * A new agent at the scratch record's address, at the end of the table, in
   * the index and session.data, with its class's timeout (not yet in the wheel).
   */
  #add(agentClass: string | null, sessionId: string | null, now: number): RegisteredAgent {
    const index = this.#byIndex.length;
    const className = agentClass === null ? null : this.#className(agentClass);
    const agent = new RegisteredAgent(index, this.#store, this.#scratch.address, className, sessionId, now);
    const owner = this.#claimFieldPrefix(agent.agent_address);
    if (owner !== null) agent.collides(owner);
    this.#index.add(agent.agent_address, agent.index);
    this.#byIndex[index] = agent;
    this.#table[agent.agent_address] = agent;
    agent.useTimeout(this.#timeoutId(className));
    return agent;
  }

  /** Adopt the heartbeat's ops (in the scratch record) as the agent's live ops. */
  #setOps(agent: RegisteredAgent, now: number): void {
    const hb = this.#scratch;
    // Most changes are a code changing under the same ops: keep the interned list.
    const names = hb.sameNames ? agent.opNames : this.#opNames(hb);
    const packed = packCodes(hb.opCodes, hb.opCount);
    agent.setOps(names, hb.opCodes, packed, this.#sharedOpCodes(names, packed, hb.opCodes), now);
  }

  /** The op_codes object for these names and codes: shared when it can be, else a fresh one. */
  #sharedOpCodes(names: readonly string[], packed: number, codes: readonly number[] | null): Record<string, number> {
    const build = () => opCodesObject(names, codes ?? 7);
    if (packed !== packed) return build(); // more than 13 ops: not worth sharing
    let byCodes = this.#opCodesPool.get(names);
    if (byCodes === undefined) {
      if (this.#opCodesPool.size >= 10_000) return build();
      byCodes = new Map();
      this.#opCodesPool.set(names, byCodes);
    }
    let shared = byCodes.get(packed);
    if (shared === undefined) {
      shared = Object.freeze(build());
      if (byCodes.size < 1000) byCodes.set(packed, shared);
    }
    return shared;
  }

  /**
   * The heartbeat's op names as a shared list. Read-only by type, not frozen:
   * JavaScriptCore reads a frozen array's elements on a slow path, and every
   * heartbeat compares its names with these (45 ns more for four ops).
   */
  #opNames(hb: HeartbeatScratch): readonly string[] {
    // Joins and restores come in runs of one class: the list just interned is the likeliest, and cheap to compare.
    const last = this.#lastOpNames;
    if (last.length === hb.opCount) {
      let i = 0;
      while (i < last.length && last[i] === hb.opNames[i]) i++;
      if (i === last.length) return last;
    }
    return this.#lastOpNames = this.#internOpNames(hb);
  }

  #internOpNames(hb: HeartbeatScratch): readonly string[] {
    const names = hb.opNames.slice(0, hb.opCount);
    // Length-prefixed, so no op name can make two different lists share a key.
    let key = '';
    for (const name of names) key += `${name.length}:${name}`;
    const known = this.#opNameLists.get(key);
    if (known !== undefined) return known;
    const list: readonly string[] = names;
    if (this.#opNameLists.size < 10_000) this.#opNameLists.set(key, list);
    return list;
  }

  /** The agent expired longest, still expired and still tracked; null when none is. */
  #longestExpired(): RegisteredAgent | null {
    const order = this.#expiredOrder;
    while (this.#expiredHead < order.length) {
      const { agent, at } = order[this.#expiredHead] as { agent: RegisteredAgent; at: number };
      if (!agent.forgotten && agent.expired && agent.time_expired === at) return agent;
      this.#expiredHead++; // revived (or re-expired later, with a later entry) since
    }
    return null;
  }

  /**
   * Forget an expired agent (the front of the expiry order): out of the
   * address index, session.data and its field prefix, and out of the dense
   * table by swap-remove: the last agent moves into its slot (its store row,
   * wheel entry and flap record with it, its number in the address index
   * renumbered) and the table is one shorter. Swap-remove rather than a
   * free list of slots, because everything that walks agents() (the API
   * list, metrics, the paced republish, the state file, grace) then never
   * meets a hole, and the typed arrays stay as dense as the table. What it
   * costs: an agent's index is not stable, so a cache keyed by index must
   * check the agent it holds (the API list's cache does), and the moved
   * agent's place in agents() changes (session.data keeps join order: it is
   * keyed by address). The forgotten agent's index becomes -1.
   */
  #forget(agent: RegisteredAgent): void {
    const i = agent.index;
    const address = agent.agent_address;
    this.#index.delete(address);
    delete this.#table[address];
    if (agent.collidesWith === null) this.#releaseFieldPrefix(address);
    this.flaps.forget(i);
    this.#wheel.remove(i);
    this.#store.clear(i);
    const last = this.#byIndex.length - 1;
    if (i !== last) {
      const moved = this.#byIndex[last] as RegisteredAgent;
      this.#store.move(last, i);
      this.#wheel.move(last, i);
      this.flaps.move(last, i);
      this.#index.renumber(moved.agent_address, i);
      moved.relocate(i);
      this.#byIndex[i] = moved;
    }
    this.#byIndex.pop();
    agent.relocate(-1);
    this.#expiredCount--;
    this.counters.forgotten++;
    this.#expiredHead++;
    this.#trimExpiredOrder();
  }

  /** Drop used and stale entries now and then, so the order list stays near the number of expired agents. */
  #trimExpiredOrder(): void {
    const order = this.#expiredOrder;
    if (this.#expiredHead > 1024 && this.#expiredHead * 2 > order.length) {
      this.#expiredOrder = order.slice(this.#expiredHead);
      this.#expiredHead = 0;
    } else if (order.length > 2 * this.#byIndex.length + 1024) {
      this.#expiredOrder = order.slice(this.#expiredHead).filter((e) => !e.agent.forgotten && e.agent.time_expired === e.at);
      this.#expiredHead = 0;
    }
  }

  #releaseFieldPrefix(address: string): void {
    const hash = fnv1a(addressFieldPrefix(address));
    const known = this.#prefixOwners.get(hash);
    if (known === undefined) return;
    const rest = (typeof known === 'string' ? [known] : known).filter((a) => a !== address);
    if (rest.length === 0) this.#prefixOwners.delete(hash);
    else this.#prefixOwners.set(hash, rest.length === 1 ? rest[0] as string : rest);
  }

  /**
   * Two addresses whose agent_operations fields would coincide (faker-1 and
   * faker_1) would interleave their values in one field. The first keeps the
   * fields; the later one's are withheld and the collision is reported.
   */
  #claimFieldPrefix(address: string): string | null {
    const prefix = addressFieldPrefix(address);
    const hash = fnv1a(prefix);
    const known = this.#prefixOwners.get(hash);
    const owners = known === undefined ? [] : typeof known === 'string' ? [known] : known;
    // Equal hashes may be different prefixes: compare the prefixes themselves.
    const owner = owners.find((a) => addressFieldPrefix(a) === prefix);
    if (owner !== undefined) {
      this.counters.fieldCollisions++;
      return owner;
    }
    this.#prefixOwners.set(hash, owners.length === 0 ? address : [...owners, address]);
    return null;
  }

  #className(name: string): string {
    const known = this.#classNames.get(name);
    if (known !== undefined) return known;
    if (this.#classNames.size < 10_000) this.#classNames.set(name, name);
    return name;
  }

  #rejected(rejection: Rejection): Rejection {
    this.counters.rejected[rejection.reason]++;
    return rejection;
  }
}

const NONE_CHANGES: readonly AgentChange[] = Object.freeze([]);

function vanishedOps(previous: readonly string[], hb: HeartbeatScratch): readonly string[] {
  const current = new Set(hb.opNames.slice(0, hb.opCount));
  const gone = previous.filter((name) => !current.has(name));
  return gone.length ? gone : NONE;
}

type ChangeFlags = Partial<Omit<AgentChange, 'kind' | 'agent' | 'at'>>;

/** A change with every flag false unless given (always the same shape, in the same order). */
function change(agent: RegisteredAgent, at: number, c: ChangeFlags): AgentChange {
  return {
    kind: 'changed',
    agent,
    at,
    joined: c.joined ?? false,
    revived: c.revived ?? false,
    restarted: c.restarted ?? false,
    expired: c.expired ?? false,
    suspected: c.suspected ?? false,
    unsuspected: c.unsuspected ?? false,
    startedFlapping: c.startedFlapping ?? false,
    stoppedFlapping: c.stoppedFlapping ?? false,
    opsChanged: c.opsChanged ?? false,
    vanishedOps: c.vanishedOps ?? NONE,
    collidesWith: c.collidesWith ?? null,
    forgot: c.forgot ?? null,
    forgotten: c.forgotten ?? false,
  };
}
