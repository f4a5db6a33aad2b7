// A client-side WAMP transport over WebSocket, built on the global WebSocket
// that Node >= 22, Bun and Deno all provide. It offers the serializers it is
// given (default `wamp.2.json`), in that order, and speaks the one the router
// picks; crossbar and the simulator both choose by the client's order.

import { json, type WampSerializer } from './serializers/index.ts';
import type { WampTransport } from './transport.ts';

export const WAMP_JSON = 'wamp.2.json';

export interface WebSocketTransportOptions {
  /** Offered in this order; default JSON only. */
  serializers?: readonly WampSerializer[];
  /** How long to wait for the connection to open. Default 10 s. */
  timeoutMs?: number;
}

export class WebSocketTransport implements WampTransport {
  onMessage: ((message: unknown[]) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly serializer: WampSerializer;
  readonly #socket: WebSocket;
  #closed = false;

  private constructor(socket: WebSocket, serializer: WampSerializer) {
    this.#socket = socket;
    this.serializer = serializer;
    socket.onmessage = (event) => {
      let messages: unknown[];
      try {
        const data = event.data;
        messages = serializer.decode(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
      } catch (error) {
        this.close(`wamp.error.protocol_violation: a frame that is not ${serializer.protocol} (${(error as Error).message})`);
        return;
      }
      for (const message of messages) {
        if (this.#closed) return;
        if (Array.isArray(message)) this.onMessage?.(message);
        else this.close('wamp.error.protocol_violation: a message that is not an array');
      }
    };
    socket.onclose = (event) => this.#closedBy(event.reason || `connection closed (code ${event.code})`);
    socket.onerror = () => this.#closedBy('connection error');
  }

  /** Open a connection; rejects with a clear error when the router cannot be reached. */
  static connect(url: string, options: WebSocketTransportOptions | number = {}): Promise<WebSocketTransport> {
    const { serializers = [json], timeoutMs = 10_000 } = typeof options === 'number' ? { timeoutMs: options } : options;
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, serializers.map((s) => s.protocol));
        socket.binaryType = 'arraybuffer';
      } catch (err) {
        reject(new Error(`Cannot connect to "${url}": ${(err as Error).message}`));
        return;
      }
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`Cannot connect to "${url}": no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        // A router that names no subprotocol gets the first offered (as autobahn assumes).
        const chosen = socket.protocol ? serializers.find((s) => s.protocol === socket.protocol) : serializers[0];
        if (!chosen) {
          socket.close();
          reject(new Error(`The router at "${url}" chose subprotocol "${socket.protocol}", which was not offered`));
          return;
        }
        resolve(new WebSocketTransport(socket, chosen));
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`Cannot connect to "${url}": connection refused or failed`));
      };
    });
  }

  send(message: unknown[]): void {
    if (this.#closed) return;
    this.#socket.send(this.serializer.encode(message) as string | Uint8Array<ArrayBuffer>);
  }

  close(reason = 'closed by client'): void {
    if (this.#closed) return;
    this.#socket.close(1000);
    this.#closedBy(reason);
  }

  #closedBy(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose?.(reason);
  }
}
