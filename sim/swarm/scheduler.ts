// One timer for every agent's heartbeat: a timing wheel. Each agent has a due
// time; the wheel has one slot per tick (10 ms) covering a little more than
// the longest interval, and each tick beats the agents in its slot and files
// them under their next due time. 100k agents cost 100 timer callbacks a
// second, not 100k timers. A tick runs once its whole slot is due, so beats
// are at most one tick (plus timer lateness) late and never early. Missed
// beats after a stall are skipped, as Twisted's LoopingCall does.
import type { Clock } from '../../src/core/clock.ts';
import { grown } from '../../src/core/grown.ts';
import type { Random } from './random.ts';

export interface SchedulerOptions {
  clock: Clock;
  periodMs: number;
  /** Each interval is period × (1 ± jitter), drawn per beat. */
  jitter: number;
  random: Random;
  beat: (index: number) => void;
  tickMs?: number;
}

interface Slot {
  index: number[];
  generation: number[];
}

export class HeartbeatScheduler {
  readonly periodMs: number;
  readonly jitter: number;
  readonly tickMs: number;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #beat: (index: number) => void;
  readonly #slots: Slot[];
  #due = new Float64Array(1024);
  /** Bumped on every add/remove: a slot entry with an older generation is stale. */
  #generation = new Uint32Array(1024);
  #active = new Uint8Array(1024);
  #size = 0;
  /** The last tick whose slot has run. */
  #lastTick = -1;
  #cancel: (() => void) | null = null;
  readonly #onTimer = (): void => this.#run();

  constructor(options: SchedulerOptions) {
    this.periodMs = options.periodMs;
    this.jitter = options.jitter;
    this.tickMs = options.tickMs ?? 10;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#beat = options.beat;
    if (!(this.periodMs > 0) || !(this.jitter >= 0 && this.jitter < 1)) throw new RangeError('Scheduler needs a period > 0 and a jitter in [0, 1)');
    const span = Math.ceil((this.periodMs * (1 + this.jitter)) / this.tickMs) + 2;
    this.#slots = Array.from({ length: span }, () => ({ index: [], generation: [] }));
  }

  /** Agents scheduled. */
  get size(): number {
    return this.#size;
  }

  has(index: number): boolean {
    return index < this.#active.length && this.#active[index] === 1;
  }

  /** Beat `index` first at `firstMs` (clock ms), default a random phase within one period from now. */
  add(index: number, firstMs?: number): void {
    this.#grow(index);
    if (this.#active[index] === 1) this.remove(index);
    const nowMs = this.#clock.now() * 1000;
    const due = firstMs ?? nowMs + this.#random.next() * this.periodMs;
    this.#active[index] = 1;
    this.#size++;
    this.#file(index, Math.max(due, nowMs));
  }

  remove(index: number): void {
    if (!this.has(index)) return;
    this.#active[index] = 0;
    this.#generation[index] = (this.#generation[index]! + 1) >>> 0;
    this.#size--;
  }

  start(): void {
    if (this.#cancel !== null) return;
    this.#lastTick = Math.floor((this.#clock.now() * 1000) / this.tickMs) - 1;
    this.#arm();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** The next interval: period × (1 ± jitter). */
  #interval(): number {
    return this.jitter === 0 ? this.periodMs : this.periodMs * (1 + this.jitter * (2 * this.#random.next() - 1));
  }

  #file(index: number, dueMs: number): void {
    this.#due[index] = dueMs;
    const slot = this.#slots[Math.floor(dueMs / this.tickMs) % this.#slots.length]!;
    slot.index.push(index);
    slot.generation.push(this.#generation[index]!);
  }

  #arm(): void {
    const nowMs = this.#clock.now() * 1000;
    // Wake when the next tick's slot is wholly in the past.
    const wakeMs = (this.#lastTick + 2) * this.tickMs;
    this.#cancel = this.#clock.after(Math.max(0, wakeMs - nowMs), this.#onTimer);
  }

  #run(): void {
    const nowMs = this.#clock.now() * 1000;
    const doneTick = Math.floor(nowMs / this.tickMs) - 1;
    // After a stall longer than the wheel, each slot needs to run only once.
    let tick = Math.max(this.#lastTick + 1, doneTick - this.#slots.length + 1);
    for (; tick <= doneTick; tick++) this.#runSlot(this.#slots[tick % this.#slots.length]!, nowMs);
    this.#lastTick = doneTick;
    if (this.#cancel !== null) this.#arm();
  }

  #runSlot(slot: Slot, nowMs: number): void {
    const { index: indexes, generation } = slot;
    const n = indexes.length;
    if (n === 0) return;
    // Take the entries out first: beating may file agents into this slot again.
    slot.index = [];
    slot.generation = [];
    for (let i = 0; i < n; i++) {
      const index = indexes[i]!;
      if (generation[i] !== this.#generation[index] || this.#active[index] !== 1) continue;
      const due = this.#due[index]!;
      if (due > nowMs) {
        // Filed a whole wheel turn ahead (after a stall): not yet.
        slot.index.push(index);
        slot.generation.push(generation[i]!);
        continue;
      }
      try {
        this.#beat(index);
      } catch {
        // One agent's failure must not stop the others' heartbeats.
      }
      if (this.#active[index] !== 1 || generation[i] !== this.#generation[index]) continue; // removed or re-added while beating
      let next = due + this.#interval();
      if (next <= nowMs) next = nowMs + this.#interval();
      this.#file(index, next);
    }
  }

  #grow(index: number): void {
    if (index < this.#active.length) return;
    let length = this.#active.length;
    while (length <= index) length *= 2;
    this.#due = grown(this.#due, length);
    this.#generation = grown(this.#generation, length);
    this.#active = grown(this.#active, length);
  }
}
