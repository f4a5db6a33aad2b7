// An in-process connection: two ends, each a WampTransport. By default
// messages are passed by reference (zero-copy); `serialize: 'json'` copies
// each one through JSON so non-serializable payloads fail at the sender.
// Delivery is asynchronous through a MessagePump (see pump.ts for why).

import type { TransportInfo, WampTransport } from '../../src/wamp/transport.ts';
import { type MessagePump, type PumpReceiver, sharedPump } from './pump.ts';
import { jsonRoundTrip, type SerializeMode } from './serialize.ts';

export interface MemoryTransportOptions {
  serialize?: SerializeMode;
  /** Defaults to the shared pump. */
  pump?: MessagePump;
  /** Put on the router-side end (the router reads authrole/authid from it). */
  info?: TransportInfo;
}

export interface MemoryTransportPair {
  /** The end a WAMP client (WampPeer, autobahn) uses. */
  client: MemoryTransport;
  /** The end given to `router.attach()`. */
  router: MemoryTransport;
}

export class MemoryTransport implements WampTransport, PumpReceiver {
  onMessage: ((message: unknown[]) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly info: TransportInfo | undefined;
  #other: MemoryTransport | undefined;
  #pump: MessagePump;
  #json: boolean;
  #open = true;

  private constructor(options: MemoryTransportOptions, info: TransportInfo | undefined) {
    this.#pump = options.pump ?? sharedPump;
    this.#json = options.serialize === 'json';
    this.info = info;
  }

  /** A connected pair of ends. */
  static pair(options: MemoryTransportOptions = {}): MemoryTransportPair {
    const client = new MemoryTransport(options, { type: 'memory' });
    const router = new MemoryTransport(options, options.info ?? { type: 'memory' });
    client.#other = router;
    router.#other = client;
    return { client, router };
  }

  get isOpen(): boolean {
    return this.#open;
  }

  send(message: unknown[]): void {
    if (!this.#open) return;
    // Serialize here, not on delivery, so the sender gets the error.
    this.#pump.post(this.#other as MemoryTransport, this.#json ? jsonRoundTrip(message) : message);
  }

  /** Hot path: one delivered message. */
  receive(message: unknown): void {
    if (this.#open) this.onMessage?.(message as unknown[]);
  }

  close(reason = 'closed'): void {
    if (!this.#open) return;
    this.#open = false;
    const other = this.#other as MemoryTransport;
    // Queued behind the messages already sent, as a socket close would be.
    this.#pump.post({ receive: () => other.#closedByOther(reason) }, undefined);
    this.onClose?.(reason);
  }

  #closedByOther(reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.onClose?.(reason);
  }
}

/** Shorthand for `MemoryTransport.pair(options)`. */
export function createMemoryTransportPair(options: MemoryTransportOptions = {}): MemoryTransportPair {
  return MemoryTransport.pair(options);
}
