// `wamp.2.msgpack` and `wamp.2.msgpack.batched` (length-prefixed messages).
// Strings must be valid UTF-8, as crossbar requires (see strict-utf8.ts).

import { Decoder, encode } from '@msgpack/msgpack';
import { asBytes, frameLengthPrefixed, splitLengthPrefixed, type WampSerializer } from './serializer.ts';
import { checkUtf8 } from './strict-utf8.ts';
import { publishTail, spliceId } from './publish-cache.ts';

/** The library's decoder with its string hook checking UTF-8 first (its own decoding substitutes characters). */
const decoder = new Decoder();
type StringHook = (this: { bytes: Uint8Array; pos: number; stateIsMapKey(): boolean }, byteLength: number, headerOffset: number) => string;
const hooked = decoder as unknown as { decodeUtf8String: StringHook };
const decodeString = hooked.decodeUtf8String;

/**
 * The library refuses a map key `__proto__` (its maps are plain objects, where
 * that key would set the prototype); crossbar passes it on, so a client's
 * message carrying one must arrive whole. The hook hands the library this
 * stand-in instead, which no decoded string can equal (it holds a lone
 * surrogate, and strings are checked to be valid UTF-8), and the message is
 * then rebuilt with `__proto__` as an own property, as JSON.parse makes it.
 */
const PROTO_STAND_IN = '\uD800__proto__';
let sawProto = false;

hooked.decodeUtf8String = function (byteLength, headerOffset) {
  if (this.pos + headerOffset + byteLength <= this.bytes.byteLength) checkUtf8(this.bytes, this.pos + headerOffset, byteLength);
  const text = decodeString.call(this, byteLength, headerOffset);
  if (byteLength === 9 && text === '__proto__' && this.stateIsMapKey()) {
    sawProto = true;
    return PROTO_STAND_IN;
  }
  return text;
};

/** `value` with every stand-in key put back as an own `__proto__` property, key order kept. */
function restoreProto(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreProto(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  if (!keys.includes(PROTO_STAND_IN)) {
    for (const key of keys) source[key] = restoreProto(source[key]);
    return source;
  }
  const rebuilt: Record<string, unknown> = {};
  for (const key of keys) {
    const name = key === PROTO_STAND_IN ? '__proto__' : key;
    Object.defineProperty(rebuilt, name, { value: restoreProto(source[key]), writable: true, enumerable: true, configurable: true });
  }
  return rebuilt;
}

function decodeOne(body: Uint8Array): unknown {
  sawProto = false;
  const message = decoder.decode(body);
  return sawProto ? restoreProto(message) : message;
}

/** msgpack's unsigned integer markers: uint8, uint16, uint32, uint64 (positive fixint up to 127). */
const UINT_MARKERS = [0xcc, 0xcd, 0xce, 0xcf] as const;

/** One message; a PUBLISH of args marked immutable (publish-cache.ts) writes only its request id afresh. `prefix`: 4 for batched. */
function encodeMessage(message: unknown[], prefix: 0 | 4): Uint8Array {
  // The tail: everything after the id of the message written with id 0 (0x95 fixarray of 5, 0x10, 0x00).
  const tail = publishTail(message, 'msgpack', () => encode([16, 0, message[2], message[3], message[4]]).slice(3));
  if (tail === undefined) return prefix === 0 ? encode(message) : frameLengthPrefixed(encode(message));
  return spliceId(0x95, message[1] as number, tail, 127, UINT_MARKERS, prefix);
}

export const msgpack: WampSerializer = {
  protocol: 'wamp.2.msgpack',
  binary: true,
  encode: (message) => encodeMessage(message, 0),
  decode: (frame) => [decodeOne(asBytes(frame))],
};

export const msgpackBatched: WampSerializer = {
  protocol: 'wamp.2.msgpack.batched',
  binary: true,
  encode: (message) => encodeMessage(message, 4),
  decode: (frame) => splitLengthPrefixed(asBytes(frame), decodeOne),
};
