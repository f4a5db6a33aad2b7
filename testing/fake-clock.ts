import type { Clock } from '../src/core/clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when a test says so; timers fire in time order. */
export class FakeClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(startSeconds = 1_700_000_000) {
    this.#nowMs = startSeconds * 1000;
  }

  now(): number {
    return this.#nowMs / 1000;
  }

  after(ms: number, fn: () => void): () => void {
    const entry: Pending = { at: this.#nowMs + Math.max(0, ms), seq: this.#seq++, fn };
    this.#pending.push(entry);
    return () => {
      const i = this.#pending.indexOf(entry);
      if (i >= 0) this.#pending.splice(i, 1);
    };
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#nowMs + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.#pending) {
        if (p.at <= target && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      this.#pending.splice(this.#pending.indexOf(next), 1);
      this.#nowMs = Math.max(this.#nowMs, next.at);
      next.fn();
    }
    this.#nowMs = target;
  }

  /** Timers still waiting. */
  get pendingTimers(): number {
    return this.#pending.length;
  }
}
