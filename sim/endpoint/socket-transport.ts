// The router-side end of one WebSocket connection: a WampTransport the
// Router can attach. Frames are decoded with the negotiated serializer; a
// frame that does not decode to WAMP messages (arrays) costs only this
// connection (close 1002, as crossbar's protocol error does).

import type { ServerSocket, SocketHandlers } from '../../src/runtime/serve.ts';
import type { TransportInfo, WampTransport } from '../../src/wamp/transport.ts';
import type { WampSerializer } from '../../src/wamp/serializers/index.ts';
import { checkFrameSize } from '../../src/wamp/serializers/serializer.ts';
import { MessageType } from '../../src/wamp/messages.ts';
import { noteMessageText, splicedText } from './event-splice.ts';
import { BATCH_SEPARATOR, decodePythonJson, splitBatchedJson } from '../../src/wamp/serializers/json.ts';

/** Close codes (RFC 6455). */
const NORMAL = 1000;
const PROTOCOL_ERROR = 1002;

export interface SocketTransportEvents {
  /** A frame that was not WAMP; the connection is being closed. */
  badFrame(error: unknown): void;
  /** Largest message sent, in bytes (crossbar's max_message_size; 0: none): a bigger one is refused with PayloadExceededError. */
  maxMessageBytes?: number;
}

export class SocketTransport implements WampTransport {
  onMessage: ((message: unknown[]) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly info: TransportInfo;
  readonly #socket: ServerSocket;
  readonly #serializer: WampSerializer;
  /** Plain (unbatched) JSON. */
  readonly #plainJson: boolean;
  /** JSON, plain or batched: a PUBLISH's (YIELD's) text is noted, and EVENTs (RESULTs) reuse its arguments' text; what ends each message. */
  readonly #spliceSuffix: string | null;
  readonly #events: SocketTransportEvents;
  #open = true;

  constructor(socket: ServerSocket, serializer: WampSerializer, info: TransportInfo, events: SocketTransportEvents) {
    this.#socket = socket;
    this.#serializer = serializer;
    this.#plainJson = serializer.protocol === 'wamp.2.json';
    this.#spliceSuffix = this.#plainJson ? '' : serializer.protocol === 'wamp.2.json.batched' ? BATCH_SEPARATOR : null;
    this.info = info;
    this.#events = events;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Throws if the message cannot be encoded or is over the size limit (the router counts it); dropped once closed. */
  send(message: unknown[]): void {
    if (!this.#open) return;
    const spliced = this.#spliceSuffix === null ? null : splicedText(message);
    const frame = spliced === null ? this.#serializer.encode(message) : spliced + this.#spliceSuffix;
    checkFrameSize(frame, this.#events.maxMessageBytes ?? 0);
    this.#socket.send(frame);
  }

  close(reason = 'closed by router'): void {
    this.#closeWith(NORMAL, reason);
  }

  /** What the server calls for this connection's events. */
  readonly handlers: SocketHandlers = {
    message: (data) => this.#frame(data),
    close: (code, reason) => this.#socketClosed(code, reason),
  };

  #frame(data: string | Uint8Array): void {
    if (!this.#open) return;
    let messages: unknown[];
    /** JSON: each message's own text, so that what it causes can reuse its arguments' text (event-splice.ts). */
    let texts: readonly string[] | null = null;
    try {
      if (this.#spliceSuffix === BATCH_SEPARATOR) {
        texts = splitBatchedJson(data);
        messages = texts.map(decodePythonJson);
      } else {
        messages = this.#serializer.decode(data);
        if (this.#plainJson) texts = [data as string];
      }
    } catch (error) {
      this.#reject(error);
      return;
    }
    for (let k = 0; k < messages.length; k++) {
      const message = messages[k];
      if (!Array.isArray(message)) {
        this.#reject(new TypeError(`A WAMP message must be an array, got ${message === null ? 'null' : typeof message}.`));
        return;
      }
      if (!this.#open) return;
      if (texts !== null && (message[0] === MessageType.PUBLISH || message[0] === MessageType.YIELD)) noteMessageText(message, texts[k]!);
      this.onMessage?.(message);
    }
  }

  #socketClosed(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.onClose?.(reason || `connection closed (code ${code})`);
  }

  #reject(error: unknown): void {
    this.#events.badFrame(error);
    this.#closeWith(PROTOCOL_ERROR, `wamp.error.protocol_violation: ${(error as Error).message ?? String(error)}`);
  }

  #closeWith(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    // A close reason is at most 123 bytes on the wire.
    this.#socket.close(code, truncateUtf8(reason, 123));
    this.onClose?.(reason);
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
}
