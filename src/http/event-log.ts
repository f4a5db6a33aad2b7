// The recent events, as ready-to-send SSE frames in a fixed-size ring. It is
// the only buffer the event stream has: a client is just a cursor into it,
// so 100 clients cost 100 numbers, not 100 queues, and memory never grows
// with a slow reader (one that falls out of the ring is dropped instead).

const encoder = new TextEncoder();

export class EventLog {
  /** Tells this process's ids from an earlier one's after a restart. */
  readonly epoch: string;
  readonly capacity: number;
  readonly #frames: (Uint8Array | undefined)[];
  /** Sequence number of the next event; events are numbered from 1. */
  #next = 1;

  constructor(capacity: number, epoch: string) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`Event buffer size must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.epoch = epoch;
    this.#frames = new Array(capacity);
  }

  /** Sequence number of the newest event; 0 before the first. */
  get last(): number {
    return this.#next - 1;
  }

  /** Sequence number of the oldest event still held. */
  get first(): number {
    return Math.max(1, this.#next - this.capacity);
  }

  idOf(seq: number): string {
    return `${this.epoch}-${seq}`;
  }

  /** Append one event; `data` is already JSON. Returns its sequence number. */
  append(type: string, data: string): number {
    const seq = this.#next++;
    const slot = seq % this.capacity;
    this.#frames[slot] = encoder.encode(`id: ${this.idOf(seq)}\nevent: ${type}\ndata: ${data}\n\n`);
    return seq;
  }

  /** The frame of event `seq`, if still held. */
  frame(seq: number): Uint8Array | undefined {
    return seq >= this.first && seq <= this.last ? this.#frames[seq % this.capacity] : undefined;
  }

  /**
   * The sequence number after which to resume for a Last-Event-ID, or a
   * reason why that id cannot be resumed (another process, or too old).
   */
  resumeAfter(lastEventId: string): number | string {
    const dash = lastEventId.lastIndexOf('-');
    const epoch = lastEventId.slice(0, dash);
    const seq = Number(lastEventId.slice(dash + 1));
    if (dash < 0 || epoch !== this.epoch || !Number.isInteger(seq) || seq < 0) {
      return `Event id "${lastEventId.slice(0, 60)}" is not from this registry process`;
    }
    if (seq > this.last) return `Event id "${lastEventId}" is newer than the newest event`;
    if (seq < this.first - 1) return `Event id "${lastEventId}" is older than the ${this.capacity} events kept`;
    return seq;
  }

  /** Frames from `from` (inclusive) on, joined into one chunk of at most about `maxBytes`. */
  chunk(from: number, maxBytes: number): { bytes: Uint8Array; next: number } {
    const last = this.last;
    let size = 0;
    let to = from;
    while (to <= last) {
      const frame = this.#frames[to % this.capacity] as Uint8Array;
      if (size > 0 && size + frame.byteLength > maxBytes) break;
      size += frame.byteLength;
      to++;
    }
    if (to === from + 1) return { bytes: this.#frames[from % this.capacity] as Uint8Array, next: to };
    const bytes = new Uint8Array(size);
    let at = 0;
    for (let seq = from; seq < to; seq++) {
      const frame = this.#frames[seq % this.capacity] as Uint8Array;
      bytes.set(frame, at);
      at += frame.byteLength;
    }
    return { bytes, next: to };
  }
}
