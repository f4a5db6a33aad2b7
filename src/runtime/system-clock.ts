import { type Clock, floatTime } from '../core/clock.ts';

// Wall time at the resolution of performance.now() (microseconds or better),
// kept within a millisecond of Date.now(): re-anchored whenever the two part
// by more (an NTP step, a suspended VM). Date.now() alone is whole
// milliseconds, so one stamp in a thousand fell on a whole second.
let anchorMs = Date.now() - performance.now();

function wallMs(): number {
  const precise = anchorMs + performance.now();
  const wall = Date.now();
  if (precise > wall - 1 && precise < wall + 1) return precise;
  anchorMs = wall - performance.now();
  return wall;
}

/** The real clock: Unix seconds, always a float (see floatTime). Timers are unref'd so a pending one never keeps a process alive. */
export const systemClock: Clock = {
  now: () => floatTime(wallMs() / 1000),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    (handle as { unref?: () => void }).unref?.();
    return () => clearTimeout(handle);
  },
};
