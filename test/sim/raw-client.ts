// A hand-driven WAMP client for router tests: sends exactly the arrays a test
// writes and records every message and the close, so tests can check the
// wire and misbehave on purpose.

import type { Router } from '../../sim/router/index.ts';
import { MemoryTransport } from '../../sim/transport/memory.ts';
import type { SerializeMode } from '../../sim/transport/serialize.ts';
import type { WampSession } from '../../src/wamp/session.ts';

export class RawClient {
  readonly received: unknown[][] = [];
  closeReason: string | undefined;
  readonly closed: Promise<string>;
  readonly #transport: MemoryTransport;
  #read = 0;
  #waiter: (() => void) | undefined;

  constructor(router: Router, options: { authrole?: string; serialize?: SerializeMode } = {}) {
    const pair = MemoryTransport.pair({ serialize: options.serialize, info: { type: 'memory', authrole: options.authrole } });
    this.#transport = pair.client;
    let closed!: (reason: string) => void;
    this.closed = new Promise((resolve) => (closed = resolve));
    pair.client.onMessage = (message) => {
      this.received.push(message);
      this.#wake();
    };
    pair.client.onClose = (reason) => {
      this.closeReason = reason;
      closed(reason);
      this.#wake();
    };
    router.attach(pair.router);
  }

  send(message: unknown): void {
    this.#transport.send(message as unknown[]);
  }

  /** The next message not yet read; rejects if the transport closes first. */
  async next(): Promise<unknown[]> {
    while (this.#read >= this.received.length) {
      if (this.closeReason !== undefined) throw new Error(`transport closed (${this.closeReason}) while waiting for a message`);
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    return this.received[this.#read++] as unknown[];
  }

  /** HELLO, then WELCOME; returns the session id. */
  async join(realm = 'test_realm'): Promise<number> {
    this.send([1, realm, { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }]);
    const welcome = await this.next();
    if (welcome[0] !== 2) throw new Error(`expected WELCOME, got ${JSON.stringify(welcome)}`);
    return welcome[1] as number;
  }

  close(): void {
    this.#transport.close();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

/**
 * Resolves once the router has handled everything sent before by `session`,
 * and every message the router sent before its reply has been delivered
 * (deliveries are FIFO). Lets tests check "nothing arrived" without sleeping.
 */
export async function barrier(session: WampSession): Promise<void> {
  await session.call('wamp.session.count');
}
