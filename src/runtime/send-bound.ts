// The backpressure bound on one connection's send buffer. A reader that is
// slow but reading must get any message the router accepts, even one bigger
// than the bound (a `main.status()` reply is 12 MB at 50,000 agents, the bound
// 8 MiB), and the small messages sent behind it before it has drained. So the
// bound is on what waits besides the largest message still waiting: a
// connection is cut only when that much more piles up, which a reader that
// has stopped reaches and one that reads does not. Crossbar bounds nothing
// here; a bound that cut readers for a big reply would be the simulator's
// own failure, not the client's.

/** Sizes are what a send puts on the wire: bytes, or a string's length (its UTF-8 size for ASCII, as JSON mostly is). */
export function sizeOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

export class SendBound {
  readonly limit: number;
  /** The largest message sent since the buffer last held no more than the message just sent. */
  #largest = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * After a send of a message of `size` (the largest of one write) left `queued` bytes waiting
   * (Infinity: the runtime dropped it): true when the connection is past the bound.
   */
  exceeded(queued: number, size: number): boolean {
    if (queued <= size) {
      // Nothing older waits beyond this message's worth: start counting again from it.
      this.#largest = size;
      return false;
    }
    if (size > this.#largest) this.#largest = size;
    return queued - this.#largest > this.limit;
  }
}

/**
 * Where a runtime drops sends itself past a limit (Bun's backpressureLimit), that limit: above
 * anything SendBound lets wait (the bound plus one largest message, with room for a string's UTF-8
 * growth), so our bound always sees the overflow first and says why.
 */
export function runtimeDropLimit(sendLimit: number, maxMessageBytes: number): number {
  return sendLimit + 3 * maxMessageBytes + 1;
}
