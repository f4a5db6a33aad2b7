// Event-loop lag: how late a timer fires. One timer on the injected clock,
// owned and cancelled by the app; under a FakeClock it reads 0.

import type { Clock } from '../core/clock.ts';

export class LagProbe {
  /** Seconds the last probe fired late. */
  lag = 0;
  /** The worst lag seen since the last `takeMax()`. */
  #max = 0;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  #cancel: (() => void) | null = null;

  constructor(clock: Clock, intervalMs = 500) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#cancel !== null || this.#intervalMs <= 0) return;
    const arm = () => {
      const due = this.#clock.now() + this.#intervalMs / 1000;
      this.#cancel = this.#clock.after(this.#intervalMs, () => {
        this.lag = Math.max(0, this.#clock.now() - due);
        this.#max = Math.max(this.#max, this.lag);
        arm();
      });
    };
    arm();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** The worst lag since the last call (a scrape reads it), at least the current one. */
  takeMax(): number {
    const max = Math.max(this.#max, this.lag);
    this.#max = 0;
    return max;
  }
}
