// One tracked agent (Python RegisteredAgent, agent.py:10-61).
//
// The object *is* its encoded entry in `main` session.data: its only own
// properties are the six Python keys, in Python's order, so JSON (and any
// walk over own properties) sees exactly the Python encoding, while the rest
// of the state sits in private fields and accessors that serialization never
// sees. One object per agent keeps memory and the heartbeat's cache misses low.

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

  // --- registry state, invisible to serialization ---
  /** Position in the registry's deadline wheel. */
  readonly #index: number;
  #sessionId: string | null;
  #restarts = 0;
  #heartbeats = 1;
  readonly #firstSeen: number;
  #lastTransition: number;
  #opNames: readonly string[] = [];
  /** Live codes packed 4 bits each when there are at most 13 ops; else NaN and #bigCodes. */
  #codes = 0;
  #bigCodes: readonly number[] | null = null;
  #collidesWith: string | null = null;
  /** Seconds between the last two heartbeats, and smoothed mean and jitter of that (NaN until known). */
  #lastInterval = Number.NaN;
  #meanInterval = Number.NaN;
  #jitter = Number.NaN;

  constructor(index: number, address: string, agentClass: string | null, sessionId: string | null, now: number) {
    this.last_updated = now;
    this.agent_class = agentClass;
    this.agent_address = address;
    this.#index = index;
    this.#sessionId = sessionId;
    this.#firstSeen = now;
    this.#lastTransition = now;
  }

  get address(): string {
    return this.agent_address;
  }
  get index(): number {
    return this.#index;
  }
  /** Feed session_id of the agent process; a new one means the agent restarted. */
  get sessionId(): string | null {
    return this.#sessionId;
  }
  get restarts(): number {
    return this.#restarts;
  }
  get heartbeats(): number {
    return this.#heartbeats;
  }
  get firstSeen(): number {
    return this.#firstSeen;
  }
  /** Registry time of the last join, revive, expiry, restart or op change. */
  get lastTransition(): number {
    return this.#lastTransition;
  }
  /** Op names in heartbeat order (shared between agents with the same ops: do not mutate). */
  get opNames(): readonly string[] {
    return this.#opNames;
  }
  get packedCodes(): number {
    return this.#codes;
  }
  get bigCodes(): readonly number[] | null {
    return this.#bigCodes;
  }
  /** Another address that owns this agent's agent_operations fields, or null. */
  get collidesWith(): string | null {
    return this.#collidesWith;
  }

  /** The code of op `i` as reported now: live, or EXPIRED. */
  codeAt(i: number): number {
    if (this.expired) return 7;
    return this.#bigCodes ? (this.#bigCodes[i] ?? 1) : unpackCode(this.#codes, this.#opNames.length, i);
  }

  /** Heartbeat interval statistics: the last one, and exponentially smoothed mean and jitter. */
  get lastInterval(): number {
    return this.#lastInterval;
  }
  get meanInterval(): number {
    return this.#meanInterval;
  }
  get intervalJitter(): number {
    return this.#jitter;
  }

  heard(now: number): void {
    const interval = now - this.last_updated;
    this.last_updated = now;
    this.#heartbeats++;
    // The gap spent expired is not a heartbeat interval.
    if (this.expired) return;
    this.#lastInterval = interval;
    if (this.#meanInterval !== this.#meanInterval) {
      this.#meanInterval = interval;
      this.#jitter = 0;
    } else {
      // Smoothing over ~10 heartbeats: a recent picture that one late beat does not swamp.
      this.#jitter += SMOOTHING * (Math.abs(interval - this.#meanInterval) - this.#jitter);
      this.#meanInterval += SMOOTHING * (interval - this.#meanInterval);
    }
  }

  setOps(names: readonly string[], codes: readonly number[], now: number): void {
    this.#opNames = names;
    const packed = packCodes(codes, names.length);
    this.#codes = packed;
    this.#bigCodes = packed === packed ? null : codes.slice(0, names.length);
    this.op_codes = opCodesObject(names, codes);
    this.#lastTransition = now;
  }

  expire(deadline: number, now: number): void {
    this.expired = true;
    this.time_expired = deadline; // the moment it expired, stamped once (Python re-stamps: Q5)
    this.op_codes = opCodesObject(this.#opNames, 7);
    this.#lastTransition = now;
  }

  revive(now: number): void {
    this.expired = false;
    this.time_expired = null;
    this.#lastTransition = now;
  }

  /** A heartbeat with another session id: a new process at this address. */
  restarted(sessionId: string, agentClass: string | null, now: number): void {
    this.#sessionId = sessionId;
    this.#restarts++;
    // A restarted process may be another agent class (Python keeps the first forever: Q8).
    if (agentClass !== null) this.agent_class = agentClass;
    this.#lastTransition = now;
  }

  /** The first session id seen (older agents' heartbeats may lack one). */
  adoptSession(sessionId: string): void {
    this.#sessionId = sessionId;
  }

  collides(owner: string): void {
    this.#collidesWith = owner;
  }
}

const SMOOTHING = 0.1;

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
