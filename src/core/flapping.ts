// Flapping: an agent that comes back (a revival after an expiry) or restarts
// (a new process) more than `limit` times within `window` seconds. Only
// agents that had such a transition have a record, holding at most `limit`+1
// times; a flagged agent settles once at most half the limit is left in the
// window (hysteresis, so it does not flag and unflag on every transition).

export type FlapKind = 'revival' | 'restart';

export interface FlapRule {
  /** More transitions than this within the window is flapping. */
  readonly limit: number;
  /** Seconds. */
  readonly window: number;
}

export const DEFAULT_FLAP_RULE: FlapRule = { limit: 3, window: 600 };

export interface Flap {
  readonly at: number;
  readonly kind: FlapKind;
}

export class FlapDetector {
  readonly rule: FlapRule;
  /** Agent index -> its recent transitions, oldest first. */
  readonly #recent = new Map<number, Flap[]>();
  readonly #flapping = new Set<number>();
  /**
   * Over the flagged agents, the smallest time of the transition that keeps
   * each flagged (its (limit/2 + 1)-th most recent): until that one leaves the
   * window nobody can settle, so the sweep's call costs nothing. A hint that
   * may be early (then one scan puts it right), never late.
   */
  #settleHint = Number.POSITIVE_INFINITY;

  constructor(rule: FlapRule = DEFAULT_FLAP_RULE) {
    if (!(Number.isInteger(rule.limit) && rule.limit >= 1)) throw new RangeError(`Flapping limit must be a positive integer, got ${rule.limit}`);
    if (!(rule.window > 0)) throw new RangeError(`Flapping window must be positive, got ${rule.window}`);
    this.rule = rule;
  }

  /** Agents flagged now. */
  get flapping(): number {
    return this.#flapping.size;
  }

  /** One transition of agent `index`: the reason when this makes it flap (and it did not already), else null. */
  record(index: number, kind: FlapKind, now: number): string | null {
    let recent = this.#recent.get(index);
    if (recent === undefined) this.#recent.set(index, recent = []);
    recent.push({ at: now, kind });
    if (recent.length > this.rule.limit + 1) recent.shift();
    const inWindow = this.#inWindow(recent, now);
    if (this.#flapping.has(index)) {
      this.#hint(recent);
      return null;
    }
    if (inWindow.length <= this.rule.limit) return null;
    this.#flapping.add(index);
    this.#hint(recent);
    return reason(inWindow, this.rule.window);
  }

  /** Agent `index`'s recent transitions (oldest first) and whether it is flagged; null when it has none (for the state file). */
  recordOf(index: number): { readonly recent: readonly Flap[]; readonly flagged: boolean } | null {
    const recent = this.#recent.get(index);
    return recent === undefined ? null : { recent, flagged: this.#flapping.has(index) };
  }

  /** Put back agent `index`'s record from the state file: the newest `limit`+1 transitions, and the flag. */
  restore(index: number, recent: readonly Flap[], flagged: boolean): void {
    if (recent.length > 0) this.#recent.set(index, recent.slice(-(this.rule.limit + 1)));
    if (!flagged) return;
    this.#flapping.add(index);
    this.#hint(this.#recent.get(index) ?? []);
  }

  /** Agent `index` was forgotten: its slot will be another agent's. */
  forget(index: number): void {
    this.#recent.delete(index);
    this.#flapping.delete(index);
  }

  /** Agent `from` now sits at `to` (whose record, if any, was forgotten). */
  move(from: number, to: number): void {
    const recent = this.#recent.get(from);
    this.forget(to);
    if (recent !== undefined) this.#recent.set(to, recent);
    if (this.#flapping.has(from)) this.#flapping.add(to);
    this.forget(from);
  }

  /** Agents that stopped flapping by `now` (each reported once). */
  settle(now: number): readonly number[] {
    // The same test as #inWindow's on the hint: if it is still in the window, so is every flagged agent's keeping transition.
    if (this.#flapping.size === 0 || !(now - this.#settleHint > this.rule.window)) return NONE;
    const settled: number[] = [];
    this.#settleHint = Number.POSITIVE_INFINITY;
    for (const index of this.#flapping) {
      const recent = this.#recent.get(index) ?? [];
      if (this.#inWindow(recent, now).length > Math.floor(this.rule.limit / 2)) {
        this.#hint(recent);
        continue;
      }
      this.#flapping.delete(index);
      settled.push(index);
    }
    return settled;
  }

  /** A flagged agent's record: lower the hint to the time of its transition that keeps it flagged. */
  #hint(recent: readonly Flap[]): void {
    const keep = Math.floor(this.rule.limit / 2); // it settles with at most this many left in the window
    const times = recent.map((f) => f.at).sort((a, b) => b - a);
    const at = times.length > keep ? times[keep] as number : Number.NEGATIVE_INFINITY;
    if (at < this.#settleHint) this.#settleHint = at;
  }

  #inWindow(recent: readonly Flap[], now: number): Flap[] {
    return recent.filter((f) => now - f.at <= this.rule.window);
  }
}

const NONE: readonly number[] = Object.freeze([]);

function reason(flaps: readonly Flap[], window: number): string {
  const revivals = flaps.filter((f) => f.kind === 'revival').length;
  const restarts = flaps.length - revivals;
  const parts: string[] = [];
  if (revivals) parts.push(`${revivals} revival${revivals === 1 ? '' : 's'}`);
  if (restarts) parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
  return `${parts.join(', ')} in ${window} s`;
}
