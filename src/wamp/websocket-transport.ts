// A client-side WAMP transport over WebSocket, built on the global WebSocket
// that Node >= 22, Bun and Deno all provide. It offers the serializers it is
// given (default `wamp.2.json`), in that order, and speaks the one the router
// picks; crossbar and the simulator both choose by the client's order.

import { json, jsonBatched, type WampSerializer } from './serializers/index.ts';
import { BATCH_SEPARATOR, decodePythonJson } from './serializers/json.ts';
import { checkFrameSize, joinBatched } from './serializers/serializer.ts';
import { ROUTER_MAX_MESSAGE_BYTES, type WampTransport } from './transport.ts';

export const WAMP_JSON = 'wamp.2.json';

export interface WebSocketTransportOptions {
  /** Offered in this order; default JSON only. */
  serializers?: readonly WampSerializer[];
  /** How long to wait for the connection to open. Default 10 s. */
  timeoutMs?: number;
  /**
   * A frame from the router that is not WAMP in the chosen serializer costs
   * only that frame: it is dropped, counted in `badFrames`, and reported here.
   */
  onBadFrame?: (reason: BadFrameReason, detail: string) => void;
  /**
   * The router's message size limit in bytes (default crossbar's, 16 MiB; 0:
   * none). A bigger message is not sent: send() throws PayloadExceededError,
   * so the caller can answer with an error instead of being cut off.
   */
  maxMessageBytes?: number;
}

/** Batched sends are joined into one message until this much (UTF-16 units or bytes) waits; then it goes at once. */
const JOIN_AT = 64 * 1024;

/** Why an incoming frame was dropped. */
export type BadFrameReason = 'undecodable' | 'not_a_message';

export class WebSocketTransport implements WampTransport {
  onMessage: ((message: unknown[]) => void) | null = null;
  onMessageText: ((text: string, from: number, to: number) => boolean) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly serializer: WampSerializer;
  /** Frames dropped because they were not WAMP, by reason. */
  readonly badFrames: Record<BadFrameReason, number> = { undecodable: 0, not_a_message: 0 };
  readonly #socket: WebSocket;
  readonly #onBadFrame: WebSocketTransportOptions['onBadFrame'];
  readonly #maxMessageBytes: number;
  /** A batched serializer: messages sent in one task go as one WebSocket message. */
  readonly #joins: boolean;
  /** JSON (plain or batched): messages can be offered as text (onMessageText) before they are parsed. */
  readonly #json: boolean;
  #pending: Array<string | Uint8Array> | null = null;
  #pendingSize = 0;
  readonly #flush = (): void => this.#flushPending();
  #closed = false;

  private constructor(socket: WebSocket, serializer: WampSerializer, options: WebSocketTransportOptions) {
    this.#socket = socket;
    this.serializer = serializer;
    this.#onBadFrame = options.onBadFrame;
    this.#maxMessageBytes = options.maxMessageBytes ?? ROUTER_MAX_MESSAGE_BYTES;
    this.#joins = serializer.protocol.endsWith('.batched');
    this.#json = serializer === json || serializer === jsonBatched;
    socket.onmessage = (event) => {
      const data = event.data;
      if (typeof data === 'string' && this.#json && this.onMessageText !== null) {
        this.#receiveJson(data, this.onMessageText);
        return;
      }
      let messages: unknown[];
      try {
        messages = serializer.decode(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
      } catch (error) {
        this.#badFrame('undecodable', `a frame that is not ${serializer.protocol} (${(error as Error).message})`);
        return;
      }
      for (const message of messages) {
        if (this.#closed) return;
        if (Array.isArray(message)) this.onMessage?.(message);
        else this.#badFrame('not_a_message', 'a message that is not an array');
      }
    };
    socket.onclose = (event) => this.#closedBy(event.reason || `connection closed (code ${event.code})`);
    socket.onerror = () => this.#closedBy('connection error');
  }

  /**
   * A JSON frame, each message offered as text first and parsed only when not
   * taken. Messages are delivered as they are read: a message that is not
   * JSON drops itself and the rest of its frame (counted once, as before), but
   * no longer the ones before it in a batched frame.
   */
  #receiveJson(frame: string, offer: (text: string, from: number, to: number) => boolean): void {
    if (this.#closed) return;
    if (!this.#joins) {
      if (!offer(frame, 0, frame.length)) this.#parsed(frame);
      return;
    }
    if (frame.length === 0) return;
    if (frame.charCodeAt(frame.length - 1) !== 0x18) {
      this.#badFrame('undecodable', `a frame that is not ${this.serializer.protocol} (A batched JSON frame must end with 0x18.)`);
      return;
    }
    for (let from = 0; from < frame.length && !this.#closed;) {
      const to = frame.indexOf(BATCH_SEPARATOR, from);
      if (!offer(frame, from, to) && !this.#parsed(frame.slice(from, to))) return;
      from = to + 1;
    }
  }

  /** One message's JSON text parsed and delivered; false when it was not JSON. */
  #parsed(text: string): boolean {
    let message: unknown;
    try {
      message = decodePythonJson(text);
    } catch (error) {
      this.#badFrame('undecodable', `a frame that is not ${this.serializer.protocol} (${(error as Error).message})`);
      return false;
    }
    if (Array.isArray(message)) this.onMessage?.(message);
    else this.#badFrame('not_a_message', 'a message that is not an array');
    return true;
  }

  /** Open a connection; rejects with a clear error when the router cannot be reached. */
  static connect(url: string, options: WebSocketTransportOptions | number = {}): Promise<WebSocketTransport> {
    const settings = typeof options === 'number' ? { timeoutMs: options } : options;
    const { serializers = [json], timeoutMs = 10_000 } = settings;
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
        resolve(new WebSocketTransport(socket, chosen, settings));
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`Cannot connect to "${url}": connection refused or failed`));
      };
    });
  }

  send(message: unknown[]): void {
    if (this.#closed) return;
    const frame = this.serializer.encode(message);
    checkFrameSize(frame, this.#maxMessageBytes);
    if (!this.#joins) {
      this.#socket.send(frame as string | Uint8Array<ArrayBuffer>);
      return;
    }
    // Batched: joined with what this task sent before, within the router's limit (UTF-8 is at most 3 bytes per unit).
    const size = typeof frame === 'string' ? frame.length : frame.byteLength;
    const limit = this.#maxMessageBytes;
    if (this.#pending !== null && limit > 0 && (this.#pendingSize + size) * 3 > limit) this.#flushPending();
    if (this.#pending === null) {
      this.#pending = [];
      queueMicrotask(this.#flush);
    }
    this.#pending.push(frame);
    this.#pendingSize += size;
    if (this.#pendingSize >= JOIN_AT) this.#flushPending();
  }

  #flushPending(): void {
    const frames = this.#pending;
    const size = this.#pendingSize;
    this.#pending = null;
    this.#pendingSize = 0;
    if (frames === null || this.#closed) return;
    this.#socket.send(frames.length === 1 ? frames[0]! as string | Uint8Array<ArrayBuffer> : joinBatched(frames, size));
  }

  close(reason = 'closed by client'): void {
    if (this.#closed) return;
    this.#flushPending();
    this.#socket.close(1000);
    this.#closedBy(reason);
  }

  #badFrame(reason: BadFrameReason, detail: string): void {
    this.badFrames[reason]++;
    try {
      this.#onBadFrame?.(reason, detail);
    } catch {
      // a failing hook must not cost the session either
    }
  }

  #closedBy(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.onClose?.(reason);
  }
}
