// Growing the typed arrays that hold per-agent state (indexed by agent number).

type Typed = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** A copy of `old`, `length` long, the new tail filled with `fill`. */
export function grown<T extends Typed>(old: T, length: number, fill = 0): T {
  const next = new (old.constructor as new (n: number) => T)(length);
  if (fill !== 0) next.fill(fill, old.length);
  next.set(old);
  return next;
}

/** The power of two (at least 1024) that holds index `index`. */
export function capacityFor(index: number): number {
  return Math.max(1024, 2 ** Math.ceil(Math.log2(index + 1)));
}
