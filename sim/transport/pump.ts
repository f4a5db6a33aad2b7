// One delivery queue shared by in-memory transports. A send never calls the
// receiver synchronously: it is queued and a single microtask drains the
// queue in FIFO order. That keeps WAMP's asynchronous semantics (no peer is
// ever re-entered from its own send), bounds the stack, and batches: a
// thousand publishes in one tick cost one microtask, not a thousand.

/** Something the pump delivers to (a transport end). */
export interface PumpReceiver {
  receive(item: unknown): void;
}

/** After this many deliveries in one drain, yield to timers and I/O (a ping-pong of handlers must not starve them). */
const BATCH_LIMIT = 1 << 17;

export class MessagePump {
  #targets: PumpReceiver[] = [];
  #items: unknown[] = [];
  #head = 0;
  #scheduled = false;
  #reported = false;
  /** Receivers that threw; they are reported once and never stop the queue. */
  errors = 0;

  post(target: PumpReceiver, item: unknown): void {
    this.#targets.push(target);
    this.#items.push(item);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#drain);
    }
  }

  /** Messages waiting for delivery. */
  get pending(): number {
    return this.#targets.length - this.#head;
  }

  #drain = (): void => {
    const targets = this.#targets;
    const items = this.#items;
    const limit = this.#head + BATCH_LIMIT;
    let i = this.#head;
    while (i < targets.length) {
      if (i >= limit) {
        this.#head = i;
        setTimeout(this.#drain, 0);
        return;
      }
      const target = targets[i] as PumpReceiver;
      const item = items[i];
      // Let the delivered message be collected while the queue keeps running.
      items[i] = undefined;
      i++;
      try {
        target.receive(item);
      } catch (error) {
        this.#report(error);
      }
    }
    targets.length = 0;
    items.length = 0;
    this.#head = 0;
    this.#scheduled = false;
  };

  #report(error: unknown): void {
    this.errors++;
    if (this.#reported) return;
    this.#reported = true;
    console.error('MessagePump: a receiver threw (further errors are only counted):', error);
  }
}

/** The pump used when none is given, so that all in-memory traffic shares one queue. */
export const sharedPump = new MessagePump();
