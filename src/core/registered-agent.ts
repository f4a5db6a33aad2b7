// One tracked agent (Python RegisteredAgent, agent.py:10-61).
//
// The object *is* its encoded entry in `main` session.data: its only own
// properties are the six Python keys, in Python's order, so JSON (and any
// walk over own properties) sees exactly the Python encoding, while the rest
// of the state sits in private fields, accessors and the registry's
// AgentStore, which serialization never sees. One small object per agent
// keeps memory and the heartbeat's cache misses low.

import { type AgentStore, FIRST_SEEN, FLAPPING, JITTER, LAST_INTERVAL, LAST_TRANSITION, MEAN_INTERVAL, SUSPECT, SUSPECT_LATE } from './agent-store.ts';
import { floatTime } from './clock.ts';
import { fnv1a } from './string-hash.ts';

/** Exactly the Python encoded() keys, in Python's order. */
export interface EncodedAgent {
  expired: boolean;
  time_expired: number | null;
  last_updated: number;
  op_codes: Record<string, number>;
  agent_class: string | null;
  agent_address: string;
}

export class RegisteredAgent implements EncodedAgent {
  // --- the encoded entry (own properties, in this order) ---
  expired = false;
  time_expired: number | null = null;
  last_updated: number;
  op_codes: Record<string, number> = {};
  agent_class: string | null;
  agent_address: string;

  // --- registry state, invisible to serialization (hot path only: see agent-store.ts) ---
  /** Position in the registry's deadline wheel and store; -1 once forgotten. */
  #index: number;
  readonly #store: AgentStore;
  /** Hash of the feed session_id (NaN: none yet); the string itself is cold, in the store. */
  #session = Number.NaN;
  #heartbeats = 1;
  #opNames: readonly string[] = [];
  /** Live codes packed 4 bits each when there are at most 13 ops; else NaN (see the store). */
  #codes = 0;

  constructor(index: number, store: AgentStore, address: string, agentClass: string | null, sessionId: string | null, now: number) {
    this.last_updated = now;
    this.agent_class = agentClass;
    this.agent_address = address;
    this.#index = index;
    this.#store = store;
    store.add(index);
    this.#adopt(sessionId);
    store.set(index, FIRST_SEEN, now);
    store.set(index, LAST_TRANSITION, now);
  }

  get address(): string {
    return this.agent_address;
  }
  /** Its slot in the registry's dense table; it changes when another agent is forgotten (see Registry.#forget), -1 once this one is. */
  get index(): number {
    return this.#index;
  }
  /** Forgotten by the registry (--forget-after, or to make room): only its encoded entry still means anything. */
  get forgotten(): boolean {
    return this.#index < 0;
  }
  /** Feed session_id of the agent process; a new one means the agent restarted. */
  get sessionId(): string | null {
    return this.#store.sessionId(this.#index);
  }
  get hasSession(): boolean {
    return this.#session === this.#session;
  }
  /** Is `session` (a session id's hash, NaN for none) another process than this agent's? */
  isOtherSession(session: number): boolean {
    return session !== this.#session && session === session && this.#session === this.#session;
  }
  get restarts(): number {
    return this.#store.restarts[this.#index] as number;
  }
  get heartbeats(): number {
    return this.#heartbeats;
  }
  get firstSeen(): number {
    return this.#store.get(this.#index, FIRST_SEEN);
  }
  /** Registry time of the last join, revive, expiry, restart, op change, or suspect or flapping mark. */
  get lastTransition(): number {
    return this.#store.get(this.#index, LAST_TRANSITION);
  }
  /** Op names in heartbeat order (shared between agents with the same ops: do not mutate). */
  get opNames(): readonly string[] {
    return this.#opNames;
  }
  get packedCodes(): number {
    return this.#codes;
  }
  get bigCodes(): readonly number[] | null {
    return this.#codes === this.#codes ? null : (this.#store.bigCodes.get(this.#index) ?? null);
  }
  /** Another address that owns this agent's agent_operations fields, or null. */
  get collidesWith(): string | null {
    return this.#store.collidesWith.get(this.#index) ?? null;
  }
  /** Heartbeat interval statistics: the last one, and exponentially smoothed mean and jitter (NaN until known). */
  get lastInterval(): number {
    return this.#store.get(this.#index, LAST_INTERVAL);
  }
  get meanInterval(): number {
    return this.#store.get(this.#index, MEAN_INTERVAL);
  }
  get intervalJitter(): number {
    return this.#store.get(this.#index, JITTER);
  }

  /** Seconds of silence after which this agent expires: its class's timeout, else the registry's. */
  get timeout(): number {
    const store = this.#store;
    return store.timeoutOf(this.#index);
  }
  /** Why the agent is suspect: its heartbeat is late, or its WAMP session left; null when it is not. */
  get suspect(): SuspectReason | null {
    const flags = this.#store.flagsOf(this.#index);
    return (flags & SUSPECT) === 0 ? null : (flags & SUSPECT_LATE) !== 0 ? 'late' : 'left';
  }
  /** Since when it is suspect (NaN when it is not). */
  get suspectSince(): number {
    return this.#store.suspectSince.get(this.#index) ?? Number.NaN;
  }
  get flapping(): boolean {
    return (this.#store.flagsOf(this.#index) & FLAPPING) !== 0;
  }
  /** Why it is flagged flapping, e.g. "4 revivals, 1 restart in 600 s"; null when it is not. */
  get flapReason(): string | null {
    return this.flapping ? (this.#store.flapReasons.get(this.#index) ?? null) : null;
  }

  /** The code of op `i` as reported now: live, or EXPIRED. */
  codeAt(i: number): number {
    return this.expired ? 7 : this.liveCodeAt(i);
  }

  /** The code of op `i` as last heard, also while expired (what a saved state keeps). */
  liveCodeAt(i: number): number {
    const big = this.bigCodes;
    return big ? (big[i] ?? 1) : unpackCode(this.#codes, this.#opNames.length, i);
  }

  /** A heartbeat at `now`; returns the mean interval after it (NaN until known). */
  heard(now: number): number {
    const interval = now - this.last_updated;
    this.last_updated = now;
    this.#heartbeats++;
    const store = this.#store;
    const i = this.#index;
    const mean = store.get(i, MEAN_INTERVAL);
    // The gap spent expired is not a heartbeat interval.
    if (this.expired) return mean;
    store.set(i, LAST_INTERVAL, interval);
    if (mean !== mean) {
      store.set(i, MEAN_INTERVAL, interval);
      store.set(i, JITTER, 0);
      return interval;
    }
    // Smoothing over ~10 heartbeats: a recent picture that one late beat does not swamp.
    const jitter = store.get(i, JITTER);
    store.set(i, JITTER, jitter + SMOOTHING * (Math.abs(interval - mean) - jitter));
    const next = mean + SMOOTHING * (interval - mean);
    store.set(i, MEAN_INTERVAL, next);
    return next;
  }

  /** Its timeout changed (join, or a restart as another class): `id` indexes the store's `timeouts`. */
  useTimeout(id: number): void {
    this.#store.setTimeoutId(this.#index, id);
  }

  /** Mark suspect (`bit`: SUSPECT_LATE or SUSPECT_LEFT) since `since`; false if it already was. */
  suspected(bit: number, since: number, now: number): boolean {
    return this.#store.markSuspect(this.#index, bit, since, now);
  }

  /** Heard again, or expired: no longer suspect. True if it was. */
  unsuspected(now: number): boolean {
    const flags = this.#store.flagsOf(this.#index);
    if ((flags & SUSPECT) === 0) return false;
    this.#store.setFlags(this.#index, flags & ~SUSPECT);
    this.#store.suspectSince.delete(this.#index);
    this.#store.set(this.#index, LAST_TRANSITION, now);
    return true;
  }

  /** Flag or unflag flapping, with the reason. */
  setFlapping(reason: string | null, now: number): void {
    const flags = this.#store.flagsOf(this.#index);
    this.#store.setFlags(this.#index, reason === null ? flags & ~FLAPPING : flags | FLAPPING);
    if (reason === null) this.#store.flapReasons.delete(this.#index);
    else this.#store.flapReasons.set(this.#index, reason);
    this.#store.set(this.#index, LAST_TRANSITION, now);
  }

  /** New live ops: `packed` from packCodes, `opCodes` the (possibly shared, never mutated) entry object. */
  setOps(names: readonly string[], codes: readonly number[], packed: number, opCodes: Record<string, number>, now: number): void {
    this.#opNames = names;
    this.#codes = packed;
    if (packed === packed) this.#store.bigCodes.delete(this.#index);
    else this.#store.bigCodes.set(this.#index, codes.slice(0, names.length));
    this.op_codes = opCodes;
    this.#store.set(this.#index, LAST_TRANSITION, now);
  }

  /** `expiredCodes`: every op of this agent at 7. */
  expire(deadline: number, now: number, expiredCodes: Record<string, number>): void {
    this.expired = true;
    this.time_expired = floatTime(deadline); // the moment it expired, stamped once (Python re-stamps: Q5); a float on the wire
    this.op_codes = expiredCodes;
    this.#store.set(this.#index, LAST_TRANSITION, now);
  }

  revive(now: number): void {
    this.expired = false;
    this.time_expired = null;
    this.#store.set(this.#index, LAST_TRANSITION, now);
  }

  /** A heartbeat with another session id: a new process at this address. */
  restarted(sessionId: string, agentClass: string | null, now: number): void {
    this.#adopt(sessionId);
    (this.#store.restarts[this.#index] as number)++;
    // A restarted process may be another agent class (Python keeps the first forever: Q8).
    if (agentClass !== null) this.agent_class = agentClass;
    this.#store.set(this.#index, LAST_TRANSITION, now);
  }

  /** The first session id seen (older agents' heartbeats may lack one). */
  adoptSession(sessionId: string): void {
    this.#adopt(sessionId);
  }

  #adopt(sessionId: string | null): void {
    this.#session = sessionId === null ? Number.NaN : fnv1a(sessionId);
    this.#store.setSessionId(this.#index, sessionId);
  }

  /** Counts and times read back from a saved state (the constructor set them for a fresh join). */
  restoreHistory(lastUpdated: number, restarts: number, heartbeats: number, firstSeen: number, lastTransition: number): void {
    this.last_updated = lastUpdated;
    this.#heartbeats = heartbeats;
    (this.#store.restarts as Uint32Array)[this.#index] = restarts;
    this.#store.set(this.#index, FIRST_SEEN, firstSeen);
    this.#store.set(this.#index, LAST_TRANSITION, lastTransition);
  }

  /** Heartbeat interval statistics from a saved state. */
  restoreIntervals(last: number, mean: number, jitter: number): void {
    this.#store.set(this.#index, LAST_INTERVAL, last);
    this.#store.set(this.#index, MEAN_INTERVAL, mean);
    this.#store.set(this.#index, JITTER, jitter);
  }

  /** The registry moved this agent's row to slot `index` (-1: forgotten). */
  relocate(index: number): void {
    this.#index = index;
  }

  collides(owner: string): void {
    this.#store.collidesWith.set(this.#index, owner);
  }
}

const SMOOTHING = 0.1;

export type SuspectReason = 'late' | 'left';

/** Up to 13 codes of 1..8 fit exactly in a double, 4 bits each; NaN beyond. */
export function packCodes(codes: readonly number[], count: number): number {
  if (count > 13) return Number.NaN;
  let packed = 0;
  for (let i = 0; i < count; i++) packed = packed * 16 + (codes[i] as number);
  return packed;
}

function unpackCode(packed: number, count: number, i: number): number {
  return Math.floor(packed / 16 ** (count - 1 - i)) % 16;
}

/** Build an op_codes object; a fresh one, so a reader never sees it change. */
export function opCodesObject(names: readonly string[], codes: readonly number[] | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    out[names[i] as string] = typeof codes === 'number' ? codes : (codes[i] as number);
  }
  return out;
}
