// Per-agent state that is not on the heartbeat's hot path, or is rare, kept
// by the registry in dense typed arrays indexed by agent number (and sparse
// maps for the rare parts). The agent object stays within the handful of
// fields a JS engine stores inline (JavaScriptCore: 12 fields take 112 bytes,
// 19 take 224), and doubles need no heap box (V8).

import { capacityFor, grown } from './grown.ts';

const DOUBLES = 7; // firstSeen, lastTransition, lastInterval, meanInterval, jitter, listenedAt, sessionNumber
export const FIRST_SEEN = 0;
export const LAST_TRANSITION = 1;
export const LAST_INTERVAL = 2;
export const MEAN_INTERVAL = 3;
export const JITTER = 4;
/** The registry's listening clock when the agent was last heard (or given a grace): its silence counts from there. */
export const LISTENED_AT = 5;
/**
 * The feed session_id as a number, when the number's own text is that id:
 * OCS agents send `str(time.time())`, e.g. "1669925713.4082503", which
 * JavaScript's shortest round-trip form writes back the same. Eight bytes
 * instead of a string of about 48 and its pointer; NaN: the id is in
 * `sessionTexts`, or there is none.
 */
export const SESSION_NUMBER = 6;

/** Bits of `flags`: why an agent is suspect, and whether it flaps. */
export const SUSPECT_LATE = 1;
export const SUSPECT_LEFT = 2;
export const SUSPECT = SUSPECT_LATE | SUSPECT_LEFT;
export const FLAPPING = 4;
/** Given a full timeout at a rejoin since it was last heard: the next rejoin gives it none (see Registry.listenFrom). */
export const GRACED = 8;

export class AgentStore {
  doubles: Float64Array = new Float64Array(0);
  restarts: Uint32Array = new Uint32Array(0);
  /**
   * Two bytes per agent, side by side so that a heartbeat or a sweep reads
   * both from one cache line: its flags (SUSPECT_LATE | SUSPECT_LEFT |
   * FLAPPING | GRACED), then its timeout as an index into `timeouts`.
   */
  marks: Uint8Array = new Uint8Array(0);
  /** The distinct timeouts: [0] the registry's, then those of configured classes. */
  timeouts: readonly number[] = [5];
  /** Since when each suspect agent is suspect (few agents, usually). */
  readonly suspectSince: Map<number, number> = new Map();
  /** Why a flapping agent is flagged, e.g. "4 revivals, 1 restart in 600 s". */
  readonly flapReasons: Map<number, string> = new Map();
  /** Feed session_ids that are not a number's own text (see SESSION_NUMBER); few or none in an OCS network. */
  readonly sessionTexts: Map<number, string> = new Map();
  /** Live codes of agents with more than 13 ops (they do not fit one packed number). */
  readonly bigCodes: Map<number, readonly number[]> = new Map();
  /** The address owning an agent's agent_operations fields, when another does (collision). */
  readonly collidesWith: Map<number, string> = new Map();

  /** Make room for agent `index`; its doubles start as NaN ("not known"). */
  add(index: number): void {
    if (index < this.restarts.length) return;
    const length = capacityFor(index);
    this.doubles = grown(this.doubles, length * DOUBLES, Number.NaN);
    this.restarts = grown(this.restarts, length);
    this.marks = grown(this.marks, 2 * length);
  }

  /** Agent `index` was forgotten: its row starts afresh for the agent that takes the slot. */
  clear(index: number): void {
    this.doubles.fill(Number.NaN, index * DOUBLES, (index + 1) * DOUBLES);
    this.restarts[index] = 0;
    this.marks[2 * index] = 0;
    this.marks[2 * index + 1] = 0;
    this.suspectSince.delete(index);
    this.flapReasons.delete(index);
    this.bigCodes.delete(index);
    this.collidesWith.delete(index);
    this.sessionTexts.delete(index);
  }

  /** Feed session_id of agent `index`'s process (the agent keeps only its hash), or null. */
  sessionId(index: number): string | null {
    const n = this.get(index, SESSION_NUMBER);
    return n === n ? String(n) : (this.sessionTexts.get(index) ?? null);
  }

  setSessionId(index: number, sessionId: string | null): void {
    const n = sessionId === null ? Number.NaN : Number(sessionId);
    if (n === n && String(n) === sessionId) {
      this.set(index, SESSION_NUMBER, n);
      this.sessionTexts.delete(index);
      return;
    }
    this.set(index, SESSION_NUMBER, Number.NaN);
    if (sessionId === null) this.sessionTexts.delete(index);
    else this.sessionTexts.set(index, sessionId);
  }

  /**
   * Agent `from` now sits at `to` (the registry keeps its table dense by
   * moving the last agent into a forgotten one's slot): its row moves, and
   * row `from` is cleared. Row `to` must be clear already.
   */
  move(from: number, to: number): void {
    this.doubles.copyWithin(to * DOUBLES, from * DOUBLES, (from + 1) * DOUBLES);
    this.restarts[to] = this.restarts[from] as number;
    this.marks[2 * to] = this.marks[2 * from] as number;
    this.marks[2 * to + 1] = this.marks[2 * from + 1] as number;
    for (const sparse of [this.suspectSince, this.flapReasons, this.bigCodes, this.collidesWith, this.sessionTexts] as Map<number, unknown>[]) {
      const value = sparse.get(from);
      if (value !== undefined) sparse.set(to, value);
    }
    this.clear(from);
  }

  flagsOf(index: number): number {
    return this.marks[2 * index] as number;
  }

  setFlags(index: number, flags: number): void {
    this.marks[2 * index] = flags;
  }

  timeoutIdOf(index: number): number {
    return this.marks[2 * index + 1] as number;
  }

  setTimeoutId(index: number, id: number): void {
    this.marks[2 * index + 1] = id;
  }

  /** Mark agent `index` suspect (`bit`: SUSPECT_LATE or SUSPECT_LEFT) since `since`; false if it already was. */
  markSuspect(index: number, bit: number, since: number, now: number): boolean {
    const flags = this.marks[2 * index] as number;
    this.marks[2 * index] = flags | bit;
    if ((flags & SUSPECT) !== 0) return false;
    this.suspectSince.set(index, since);
    this.set(index, LAST_TRANSITION, now);
    return true;
  }

  /** Agent `index`'s timeout in seconds. */
  timeoutOf(index: number): number {
    return this.timeouts[this.marks[2 * index + 1] as number] as number;
  }

  get(index: number, slot: number): number {
    return this.doubles[index * DOUBLES + slot] as number;
  }

  set(index: number, slot: number, value: number): void {
    this.doubles[index * DOUBLES + slot] = value;
  }
}
