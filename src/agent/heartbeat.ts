// The 1 Hz heartbeat loop (docs/ocs-protocol.md §2.4): Twisted LoopingCall(1.0) —
// first beat at start, then fixed rate; missed beats are skipped, not
// bunched. One bound callback per loop: nothing is allocated per tick here.
import type { Clock } from '../core/clock.ts';

export class HeartbeatLoop {
  readonly periodMs: number;
  readonly #clock: Clock;
  readonly #beat: () => void;
  readonly #tick = (): void => this.#onTick();
  #startMs = 0;
  /** Beats scheduled since start; counting avoids float drift re-firing a beat. */
  #count = 0;
  #cancel: (() => void) | null = null;

  constructor(clock: Clock, beat: () => void, periodMs = 1000) {
    this.#clock = clock;
    this.#beat = beat;
    this.periodMs = periodMs;
  }

  get running(): boolean {
    return this.#cancel !== null;
  }

  /** Beat now, then every period. Restarting re-anchors the rate at now. */
  start(): void {
    this.stop();
    this.#startMs = this.#clock.now() * 1000;
    this.#count = 0;
    this.#cancel = () => {}; // running, even while the first beat runs
    this.#fire();
  }

  stop(): void {
    const cancel = this.#cancel;
    this.#cancel = null;
    cancel?.();
  }

  #onTick(): void {
    if (this.#cancel === null) return;
    this.#fire();
  }

  #fire(): void {
    try {
      this.#beat();
    } finally {
      if (this.#cancel !== null) this.#schedule();
    }
  }

  #schedule(): void {
    const nowMs = this.#clock.now() * 1000;
    this.#count++;
    let nextMs = this.#startMs + this.#count * this.periodMs;
    if (nextMs <= nowMs) {
      // Fell behind by a whole period or more: skip the missed beats.
      this.#count = Math.floor((nowMs - this.#startMs) / this.periodMs) + 1;
      nextMs = this.#startMs + this.#count * this.periodMs;
    }
    this.#cancel = this.#clock.after(Math.max(0, nextMs - nowMs), this.#tick);
  }
}
