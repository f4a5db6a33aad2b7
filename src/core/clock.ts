// Time is injected everywhere: the core takes `now` as an argument, and the
// parts with timers take a Clock so tests drive time instead of sleeping.

/** Seconds since the Unix epoch, as a float (OCS timestamps). */
export type UnixSeconds = number;

export interface Clock {
  /** Wall time in Unix seconds (what OCS puts on the wire). */
  now(): UnixSeconds;
  /** Run `fn` once after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}
