// Expiry index: a hashed timing wheel of doubly linked lists over agent
// numbers. Refreshing a deadline is O(1) (unlink, link) and a sweep touches
// only the buckets that fell due, so expiry cost follows the agents that
// expire, not the number of agents. The links live in typed arrays rather
// than on the agents, so a refresh touches a few dense arrays that stay in
// cache instead of two other agents' objects.

import { capacityFor, grown } from './grown.ts';

const SLOTS = 1024; // a power of two
const NIL = -1;

export class DeadlineWheel {
  readonly #heads = new Int32Array(SLOTS).fill(NIL);
  #prev = new Int32Array(0);
  #next = new Int32Array(0);
  /** Unix seconds; an entry is due when `now > deadline` (strict, as Python). */
  #deadline = new Float64Array(0);
  /**
   * The slot an entry's list hangs from, or NIL when it is not in the wheel.
   * The slot, not the bucket: a slot's list holds the entries of every
   * revolution and a sweep checks each one's deadline, so the slot is all a
   * move needs to know (two bytes an agent, not a double).
   */
  #slot = new Int16Array(0);
  readonly #perSecond: number;
  #size = 0;
  /** Buckets up to this one have been swept. */
  #swept = -Infinity;

  /** `horizon`: the longest deadline ahead of now (the agent timeout). */
  constructor(horizon: number) {
    // One revolution longer than the horizon, so a slot rarely holds entries
    // of a later revolution; 6 ms buckets at the default 5 s timeout.
    this.#perSecond = 1 / Math.max(0.005, (horizon * 1.25) / SLOTS);
  }

  get size(): number {
    return this.#size;
  }

  deadline(id: number): number {
    return this.#deadline[id] ?? Number.NaN;
  }

  /** Insert entry `id` (0, 1, 2, …), or move it to its new deadline. */
  schedule(id: number, deadline: number): void {
    if (id >= this.#slot.length) this.#grow(id);
    this.#deadline[id] = deadline;
    let bucket = Math.floor(deadline * this.#perSecond);
    if (bucket <= this.#swept) bucket = this.#swept + 1; // clock went back: sweep it next time
    const slot = bucket & (SLOTS - 1);
    const current = this.#slot[id] as number;
    if (current === slot) return;
    if (current !== NIL) this.#unlink(id);
    this.#link(id, slot);
  }

  /** Take entry `id` out of the wheel, if it is in. */
  remove(id: number): void {
    if (id < this.#slot.length && this.#slot[id] !== NIL) this.#unlink(id);
  }

  /** Entry `from` is entry `to` from now on, at the same deadline (`to` must not be in the wheel). */
  move(from: number, to: number): void {
    const slot = from < this.#slot.length ? this.#slot[from] as number : NIL;
    if (slot === NIL) return;
    if (to >= this.#slot.length) this.#grow(to);
    this.#deadline[to] = this.#deadline[from] as number;
    this.#unlink(from);
    this.#link(to, slot);
  }

  #link(id: number, slot: number): void {
    this.#slot[id] = slot;
    const head = this.#heads[slot] as number;
    this.#prev[id] = NIL;
    this.#next[id] = head;
    if (head !== NIL) this.#prev[head] = id;
    this.#heads[slot] = id;
    this.#size++;
  }

  /** Remove and hand to `visit` every entry with `now > deadline`. */
  sweep(now: number, visit: (id: number) => void): void {
    const current = Math.floor(now * this.#perSecond);
    if (this.#size > 0) {
      const from = Math.max(this.#swept + 1, current - SLOTS + 1);
      for (let b = from; b <= current; b++) this.#sweepSlot(b & (SLOTS - 1), now, visit);
    }
    // The current bucket may still hold entries due later in it: look again next time.
    this.#swept = current - 1;
  }

  #sweepSlot(slot: number, now: number, visit: (id: number) => void): void {
    let id = this.#heads[slot] as number;
    while (id !== NIL) {
      const next = this.#next[id] as number;
      if (now > (this.#deadline[id] as number)) {
        this.#unlink(id);
        visit(id);
      }
      id = next;
    }
  }

  #unlink(id: number): void {
    const prev = this.#prev[id] as number;
    const next = this.#next[id] as number;
    if (prev !== NIL) this.#next[prev] = next;
    else this.#heads[this.#slot[id] as number] = next;
    if (next !== NIL) this.#prev[next] = prev;
    this.#slot[id] = NIL;
    this.#size--;
  }

  #grow(id: number): void {
    const length = capacityFor(id);
    this.#prev = grown(this.#prev, length, NIL);
    this.#next = grown(this.#next, length, NIL);
    this.#deadline = grown(this.#deadline, length);
    this.#slot = grown(this.#slot, length, NIL);
  }
}
