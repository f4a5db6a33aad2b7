// Expiry index: a hashed timing wheel of intrusive doubly linked lists.
// Refreshing a deadline is O(1) (unlink, link) and a sweep touches only the
// buckets that fell due, so expiry cost follows the agents that expire, not
// the number of agents.

export interface WheelNode {
  /** Unix seconds; the node is due when `now > deadline` (strict, as Python). */
  deadline: number;
  bucket: number;
  wheelPrev: WheelNode | null;
  wheelNext: WheelNode | null;
  inWheel: boolean;
}

const SLOTS = 1024; // a power of two

export class DeadlineWheel {
  readonly #slots: (WheelNode | null)[] = new Array<WheelNode | null>(SLOTS).fill(null);
  readonly #perSecond: number;
  #size = 0;
  /** Buckets up to this one have been swept; -Infinity before the first sweep. */
  #swept = -Infinity;

  /** `horizon`: the longest deadline ahead of now (the agent timeout). */
  constructor(horizon: number) {
    // Keep one wheel revolution longer than the horizon so a slot rarely
    // holds nodes of a later revolution; 5 ms buckets at the default 5 s.
    const granularity = Math.max(0.005, (horizon * 1.25) / SLOTS);
    this.#perSecond = 1 / granularity;
  }

  get size(): number {
    return this.#size;
  }

  /** Insert `node`, or move it to its new deadline. */
  schedule(node: WheelNode, deadline: number): void {
    node.deadline = deadline;
    let bucket = Math.floor(deadline * this.#perSecond);
    if (bucket <= this.#swept) bucket = this.#swept + 1; // clock went back: sweep it next time
    if (node.inWheel) {
      if (node.bucket === bucket) return;
      this.#unlink(node);
    }
    node.bucket = bucket;
    const slot = bucket & (SLOTS - 1);
    const head = this.#slots[slot] ?? null;
    node.wheelPrev = null;
    node.wheelNext = head;
    if (head) head.wheelPrev = node;
    this.#slots[slot] = node;
    node.inWheel = true;
    this.#size++;
  }

  remove(node: WheelNode): void {
    if (node.inWheel) this.#unlink(node);
  }

  /** Remove and hand to `visit` every node with `now > deadline`. */
  sweep(now: number, visit: (node: WheelNode) => void): void {
    const current = Math.floor(now * this.#perSecond);
    if (this.#size > 0) {
      const from = Math.max(this.#swept + 1, current - SLOTS + 1);
      for (let b = from; b <= current; b++) this.#sweepSlot(b & (SLOTS - 1), now, visit);
    }
    // The current bucket may still hold nodes due later in it: look again next time.
    this.#swept = current - 1;
  }

  #sweepSlot(slot: number, now: number, visit: (node: WheelNode) => void): void {
    let node = this.#slots[slot] ?? null;
    while (node) {
      const next: WheelNode | null = node.wheelNext;
      if (now > node.deadline) {
        this.#unlink(node);
        visit(node);
      }
      node = next;
    }
  }

  #unlink(node: WheelNode): void {
    const { wheelPrev: prev, wheelNext: next } = node;
    if (prev) prev.wheelNext = next;
    else this.#slots[node.bucket & (SLOTS - 1)] = next;
    if (next) next.wheelPrev = prev;
    node.wheelPrev = node.wheelNext = null;
    node.inWheel = false;
    this.#size--;
  }
}
