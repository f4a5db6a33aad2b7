import type { Clock } from '../core/clock.ts';

/** The real clock. Timers are unref'd so a pending one never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now() / 1000,
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    (handle as { unref?: () => void }).unref?.();
    return () => clearTimeout(handle);
  },
};
