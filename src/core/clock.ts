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

/**
 * A timestamp as Python sees one: always a float. JSON, msgpack and CBOR send
 * an integral JS number as an integer, and Python would then see an int where
 * OCS always has a float (mixed-type G3 blocks are dropped, InfluxDB rejects
 * the batch, strict consumers compare types). The rare integral value is
 * nudged by 1 µs, below any clock's real accuracy.
 */
export function floatTime(t: UnixSeconds): UnixSeconds {
  return Number.isInteger(t) ? t + 1e-6 : t;
}
