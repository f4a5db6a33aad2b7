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
import type { PublishTextHandler } from '../router/json-text.ts';
import { PublishReader } from './publish-text.ts';

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
  /** JSON: the router may take a plain PUBLISH as its text (sim/router/json-text.ts) and EVENTs as text. */
  readonly jsonText: boolean;
  onPublishText: PublishTextHandler | null = null;
  readonly #reader = new PublishReader();

  constructor(socket: ServerSocket, serializer: WampSerializer, info: TransportInfo, events: SocketTransportEvents) {
    this.#socket = socket;
    this.#serializer = serializer;
    this.#plainJson = serializer.protocol === 'wamp.2.json';
    this.#spliceSuffix = this.#plainJson ? '' : serializer.protocol === 'wamp.2.json.batched' ? BATCH_SEPARATOR : null;
    this.jsonText = this.#spliceSuffix !== null;
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

  /** JSON only: one message given as its text. Throws over the size limit; dropped once closed. */
  sendJsonText(text: string): void {
    if (!this.#open) return;
    const frame = text + this.#spliceSuffix;
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
    if (this.onPublishText !== null && typeof data === 'string') {
      if (this.#plainJson) {
        // Hot path: a heartbeat read in place, its arguments forwarded as text.
        const reader = this.#reader;
        if (reader.read(data) >= 0 && this.onPublishText(reader.request, reader.topic, reader.tail)) return;
      } else if (this.#spliceSuffix === BATCH_SEPARATOR) {
        this.#batchedJson(data, this.onPublishText);
        return;
      }
    }
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

  /**
   * A `wamp.2.json.batched` frame where the router takes PUBLISH as text. As on the ordinary path, every
   * message of the frame is decoded (or read in place) before any is acted on: one that is not JSON costs
   * the connection and none of the frame's messages is acted on.
   */
  #batchedJson(data: string, publishText: PublishTextHandler): void {
    let texts: string[];
    /** Per message: the PUBLISH read in place, or the decoded message. */
    const read: unknown[] = [];
    try {
      texts = splitBatchedJson(data);
      for (let k = 0; k < texts.length; k++) {
        const text = texts[k]!;
        const reader = this.#reader;
        read.push(reader.read(text) >= 0 ? new PublishRead(reader.request, reader.topic, reader.tail) : decodePythonJson(text));
      }
    } catch (error) {
      this.#reject(error);
      return;
    }
    for (let k = 0; k < texts.length; k++) {
      let message = read[k];
      const text = texts[k]!;
      if (!(message instanceof PublishRead) && !Array.isArray(message)) {
        this.#reject(new TypeError(`A WAMP message must be an array, got ${message === null ? 'null' : typeof message}.`));
        return;
      }
      if (!this.#open) return;
      if (message instanceof PublishRead) {
        if (publishText(message.request, message.topic, message.tail)) continue;
        message = decodePythonJson(text); // strict JSON, checked: it decodes
      }
      const decoded = message as unknown[];
      if (decoded[0] === MessageType.PUBLISH || decoded[0] === MessageType.YIELD) noteMessageText(decoded, text);
      this.onMessage?.(decoded);
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

/** A PUBLISH of a batched frame read in place (PublishReader). */
class PublishRead {
  readonly request: number;
  readonly topic: string;
  readonly tail: string;
  constructor(request: number, topic: string, tail: string) {
    this.request = request;
    this.topic = topic;
    this.tail = tail;
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
}
