// WAMP-over-WebSocket serializers, named as in the subprotocol `wamp.2.<id>`.
// Batched variants (autobahn's framing) carry several messages per frame:
// JSON messages each end with 0x1e; msgpack messages each start with a
// 4-byte big-endian length. A frame of the wrong kind (text for a binary
// serializer or the reverse) is a protocol error, as in crossbar.

import { decode, encode } from '@msgpack/msgpack';

export interface WampSerializer {
  /** The full subprotocol name, e.g. 'wamp.2.json'. */
  readonly protocol: string;
  /** Binary (msgpack) or text (JSON) frames. */
  readonly binary: boolean;
  /** One message to one frame; throws if the value cannot be encoded. */
  encode(message: unknown[]): string | Uint8Array;
  /** One frame to its messages; throws SyntaxError/TypeError on garbage. */
  decode(frame: string | Uint8Array): unknown[];
}

const RECORD_SEPARATOR = '\u001e';

const json: WampSerializer = {
  protocol: 'wamp.2.json',
  binary: false,
  encode: (message) => JSON.stringify(message),
  decode: (frame) => [JSON.parse(asText(frame))],
};

const jsonBatched: WampSerializer = {
  protocol: 'wamp.2.json.batched',
  binary: false,
  encode: (message) => JSON.stringify(message) + RECORD_SEPARATOR,
  decode(frame) {
    const parts = asText(frame).split(RECORD_SEPARATOR);
    if (parts.pop() !== '') throw new SyntaxError('A batched JSON frame must end with 0x1e.');
    return parts.map((part) => JSON.parse(part));
  },
};

const msgpack: WampSerializer = {
  protocol: 'wamp.2.msgpack',
  binary: true,
  encode: (message) => encode(message),
  decode: (frame) => [decode(asBytes(frame))],
};

const msgpackBatched: WampSerializer = {
  protocol: 'wamp.2.msgpack.batched',
  binary: true,
  encode(message) {
    const body = encode(message);
    const framed = new Uint8Array(4 + body.byteLength);
    new DataView(framed.buffer).setUint32(0, body.byteLength);
    framed.set(body, 4);
    return framed;
  },
  decode(frame) {
    const bytes = asBytes(frame);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const messages: unknown[] = [];
    let at = 0;
    while (at < bytes.byteLength) {
      if (at + 4 > bytes.byteLength) throw new TypeError('A batched msgpack frame ends inside a length prefix.');
      const length = view.getUint32(at);
      if (at + 4 + length > bytes.byteLength) throw new TypeError('A batched msgpack frame is shorter than its length prefix says.');
      messages.push(decode(bytes.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    return messages;
  },
};

/** Every serializer the endpoint speaks, by subprotocol name. */
export const SERIALIZERS: ReadonlyMap<string, WampSerializer> = new Map(
  [json, msgpack, jsonBatched, msgpackBatched].map((s) => [s.protocol, s]),
);

/** The first offered subprotocol this server speaks (the client's order of preference wins, as in autobahn), or null. */
export function chooseSerializer(offered: readonly string[]): WampSerializer | null {
  for (const protocol of offered) {
    const serializer = SERIALIZERS.get(protocol);
    if (serializer) return serializer;
  }
  return null;
}

function asText(frame: string | Uint8Array): string {
  if (typeof frame === 'string') return frame;
  throw new TypeError('A binary frame arrived for a JSON (text) serializer.');
}

function asBytes(frame: string | Uint8Array): Uint8Array {
  if (typeof frame !== 'string') return frame;
  throw new TypeError('A text frame arrived for a msgpack (binary) serializer.');
}
