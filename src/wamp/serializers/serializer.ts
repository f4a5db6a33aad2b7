// A WAMP-over-WebSocket serializer, named as in the subprotocol `wamp.2.<id>`.
// Shared by the client transport and the simulator's endpoint. Batched
// variants (autobahn's framing) carry several messages per frame.

import { PayloadExceededError } from '../transport.ts';

export interface WampSerializer {
  /** The full subprotocol name, e.g. 'wamp.2.json'. */
  readonly protocol: string;
  /** Binary (msgpack, CBOR) or text (JSON) frames. */
  readonly binary: boolean;
  /** One message to one frame; throws if the value cannot be encoded. */
  encode(message: unknown[]): string | Uint8Array;
  /** One frame to its messages; throws SyntaxError/TypeError on garbage. */
  decode(frame: string | Uint8Array): unknown[];
}

/**
 * Throws PayloadExceededError when `frame` is over `limit` bytes (0: no
 * limit). A text frame's UTF-8 size is only counted when its length leaves
 * any doubt.
 */
export function checkFrameSize(frame: string | Uint8Array, limit: number): void {
  if (limit <= 0) return;
  if (typeof frame !== 'string') {
    if (frame.byteLength > limit) throw new PayloadExceededError(frame.byteLength, limit);
    return;
  }
  if (frame.length * 3 <= limit) return;
  const bytes = frame.length > limit ? frame.length : utf8.encode(frame).byteLength;
  if (bytes > limit) throw new PayloadExceededError(bytes, limit);
}

const utf8 = new TextEncoder();

/** A frame of the wrong kind (text for a binary serializer or the reverse) is a protocol error, as in crossbar. */
export function asText(frame: string | Uint8Array): string {
  if (typeof frame === 'string') return frame;
  throw new TypeError('A binary frame arrived for a JSON (text) serializer.');
}

export function asBytes(frame: string | Uint8Array): Uint8Array {
  if (typeof frame !== 'string') return frame;
  throw new TypeError('A text frame arrived for a binary serializer.');
}

/** Batched binary framing: each message is preceded by its 4-byte big-endian length. */
export function frameLengthPrefixed(body: Uint8Array): Uint8Array {
  const framed = new Uint8Array(4 + body.byteLength);
  new DataView(framed.buffer).setUint32(0, body.byteLength);
  framed.set(body, 4);
  return framed;
}

/**
 * Messages of a batched serializer, each already framed (JSON text ending in
 * 0x18, or bytes with their length prefix), as one WebSocket message: text
 * joined as text, bytes as bytes. `size`: their total length.
 */
export function joinBatched(messages: readonly (string | Uint8Array)[], size: number): string | Uint8Array<ArrayBuffer> {
  if (typeof messages[0] === 'string') return messages.join('');
  const out = new Uint8Array(size);
  let at = 0;
  for (const message of messages) {
    if (typeof message === 'string') throw new TypeError('A text message among binary ones of one batched serializer.');
    out.set(message, at);
    at += message.byteLength;
  }
  return out;
}

export function splitLengthPrefixed(bytes: Uint8Array, decodeOne: (body: Uint8Array) => unknown): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: unknown[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    if (at + 4 > bytes.byteLength) throw new TypeError('A batched frame ends inside a length prefix.');
    const length = view.getUint32(at);
    if (at + 4 + length > bytes.byteLength) throw new TypeError('A batched frame is shorter than its length prefix says.');
    messages.push(decodeOne(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return messages;
}
