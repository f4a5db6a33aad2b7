// A client-side WAMP transport over WebSocket with the JSON serializer
// (`wamp.2.json`), built on the global WebSocket that Node >= 22, Bun and
// Deno all provide. crossbar accepts it, and so does the simulator.

import type { WampTransport } from './transport.ts';

export const WAMP_JSON = 'wamp.2.json';

export class WebSocketTransport implements WampTransport {
  onMessage: ((message: unknown[]) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly #socket: WebSocket;
  #closed = false;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
      } catch {
        this.close('wamp.error.protocol_violation: a message that is not JSON');
        return;
      }
      if (Array.isArray(message)) this.onMessage?.(message);
      else this.close('wamp.error.protocol_violation: a message that is not an array');
    };
    socket.onclose = (event) => this.#closedBy(event.reason || `connection closed (code ${event.code})`);
    socket.onerror = () => this.#closedBy('connection error');
  }

  /** Open a connection; rejects with a clear error when the router cannot be reached. */
  static connect(url: string, timeoutMs = 10_000): Promise<WebSocketTransport> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, [WAMP_JSON]);
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
        if (socket.protocol && socket.protocol !== WAMP_JSON) {
          socket.close();
          reject(new Error(`The router at "${url}" chose subprotocol "${socket.protocol}", not ${WAMP_JSON}`));
          return;
        }
        resolve(new WebSocketTransport(socket));
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`Cannot connect to "${url}": connection refused or failed`));
      };
    });
  }

  send(message: unknown[]): void {
    if (this.#closed) return;
    this.#socket.send(JSON.stringify(message));
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
