// Growing the typed arrays that hold per-agent state (indexed by agent number).

type Typed = Float64Array | Int32Array | Int16Array | Uint32Array | Uint8Array;

/** A copy of `old`, `length` long, the new tail filled with `fill`. */
export function grown<T extends Typed>(old: T, length: number, fill = 0): T {
  const next = new (old.constructor as new (n: number) => T)(length);
  if (fill !== 0) next.fill(fill, old.length);
  next.set(old);
  return next;
}

const FIRST = 1024;
const GROWTH = 1.25;
const STEP = 256;

/**
 * The capacity (at least 1024) that holds index `index`: the first of
 * 1024, 1280, 1792, 2304, … (1.25× each step, rounded up to 256) that is
 * larger. A function of the index alone, so every array of one table grows
 * to the same length. 1.25× rather than doubling: a table just past a step
 * carries at most a quarter of unused slots, not as many as it uses (the
 * per-agent arrays are about 80 bytes a slot); the copies it costs happen
 * at joins, a few times more often, and add up to about 5 copies of the table.
 */
export function capacityFor(index: number): number {
  let capacity = FIRST;
  while (capacity <= index) capacity = Math.ceil((capacity * GROWTH) / STEP) * STEP;
  return capacity;
}
