// What the swarm really did, kept so a registry's view can be checked
// against it: when each agent went silent and came back, and which op-code
// changes went out in a heartbeat (so the registry must have seen them).

/** 'lost': the far end closed the connection (router gone or restarted); the agent reconnects. */
export type SilenceKind = 'crash' | 'hb-off' | 'partition' | 'leave' | 'lost';

/** A stretch with no heartbeat from one agent, from its last beat to its next. */
export interface Silence {
  member: number;
  kind: SilenceKind;
  /** Clock time of the last heartbeat sent before the silence. */
  start: number;
  /** Clock time of the first heartbeat after it; null while still silent. */
  end: number | null;
  /** When a checker first saw the registry report this agent expired. */
  seenExpiredAt: number | null;
}

/** An op code that went out in a heartbeat and differs from the one before. */
export interface OpChange {
  member: number;
  opName: string;
  code: number;
  /** Clock time of the heartbeat that carried it. */
  sentAt: number;
}

export class GroundTruth {
  /** Per member: time of its last heartbeat sent (NaN before the first). */
  lastBeat: Float64Array = new Float64Array(1024).fill(Number.NaN);
  /** Per member: heartbeats sent (a delivery probe pairs deliveries with these). */
  beats: Uint32Array = new Uint32Array(1024);
  /** Per member: high-resolution send time (ms) of its last heartbeat, for latency. */
  sentAtMs: Float64Array = new Float64Array(1024);
  /** Every silence, by member, oldest first. */
  readonly silences: Map<number, Silence[]> = new Map();
  /** Silences not yet ended, by member. */
  readonly #open = new Map<number, Silence>();
  /** Op changes sent, by agent_operations field, not yet matched by a checker. */
  readonly pendingOpChanges: Map<string, OpChange[]> = new Map();
  opChangesSent = 0;
  /** Whether op changes are tracked at all (a checker is listening). */
  trackOpChanges = false;

  ensure(member: number): void {
    if (member < this.lastBeat.length) return;
    let length = this.lastBeat.length;
    while (length <= member) length *= 2;
    const next = new Float64Array(length).fill(Number.NaN);
    next.set(this.lastBeat);
    this.lastBeat = next;
    const beats = new Uint32Array(length);
    beats.set(this.beats);
    this.beats = beats;
    const sentAt = new Float64Array(length);
    sentAt.set(this.sentAtMs);
    this.sentAtMs = sentAt;
  }

  isSilent(member: number): boolean {
    return this.#open.has(member);
  }

  openSilence(member: number): Silence | undefined {
    return this.#open.get(member);
  }

  /** A heartbeat went out: it ends the member's silence, if any. */
  beat(member: number, now: number, hrMs: number): void {
    this.lastBeat[member] = now;
    this.sentAtMs[member] = hrMs;
    this.beats[member] = this.beats[member]! + 1;
    if (this.#open.size === 0) return;
    const open = this.#open.get(member);
    if (open) {
      open.end = now;
      this.#open.delete(member);
    }
  }

  /** The member stops beating now; its silence starts at its last beat. A member that never beat is unknown to any registry. */
  silence(member: number, kind: SilenceKind): void {
    const start = this.lastBeat[member]!;
    if (Number.isNaN(start) || this.#open.has(member)) return;
    const s: Silence = { member, kind, start, end: null, seenExpiredAt: null };
    this.#open.set(member, s);
    let list = this.silences.get(member);
    if (!list) this.silences.set(member, list = []);
    list.push(s);
  }

  /** The silence of `member` that covers time `t`, if any (`slack` widens its end). */
  silenceAt(member: number, t: number, slack: number): Silence | undefined {
    const list = this.silences.get(member);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.start <= t && (s.end === null || s.end + slack >= t)) return s;
    }
    return undefined;
  }

  opChangeSent(field: string, change: OpChange): void {
    this.opChangesSent++;
    let list = this.pendingOpChanges.get(field);
    if (!list) this.pendingOpChanges.set(field, list = []);
    list.push(change);
  }

  *allSilences(): IterableIterator<Silence> {
    for (const list of this.silences.values()) yield* list;
  }
}
