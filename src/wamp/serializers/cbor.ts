// `wamp.2.cbor` and `wamp.2.cbor.batched` (length-prefixed, as msgpack), with
// cbor-x. autobahn-python offers CBOR first, so real agents speak it to crossbar.
//
// Integers stay integers: cbor-x writes a JavaScript integer beyond 32 bits
// as a float64, which Python's cbor2 reads as a float, and autobahn refuses a
// float where WAMP wants an id (ids are 53-bit). So integers beyond 32 bits
// (up to 2^53) go out as CBOR integers (major type 0/1), through BigInt,
// copying only the arrays and objects that hold one. Decoded 64-bit integers
// come back as numbers (exact up to 2^53).

import { Encoder, type Options } from 'cbor-x';
import { asBytes, frameLengthPrefixed, splitLengthPrefixed, type WampSerializer } from './serializer.ts';
import { encodedReplacementChars, replacementChars } from './strict-utf8.ts';
import { publishTail, spliceId } from './publish-cache.ts';

const options: Options & { int64AsNumber: boolean } = {
  useRecords: false, // plain CBOR, no cbor-x record extension
  mapsAsObjects: true,
  tagUint8Array: false, // bytes as a byte string, as cbor2 writes them
  int64AsNumber: true, // (not in cbor-x's types) 64-bit integers decode as numbers, not BigInt
};
const codec = new Encoder(options);
/** The same, with maps as Map: only for a frame that may hold a `__proto__` key (see decodeOne). */
const mapCodec = new Encoder({ ...options, mapsAsObjects: false });

/** Largest integer magnitude written as an integer: 2^53, the largest WAMP id (beyond it a number is only a float). */
const MAX_EXACT = 2 ** 53;

/** An integer beyond 32 bits (up to 2^53) that cbor-x would otherwise write as a float. */
function isWideInteger(value: number): boolean {
  return (value > 0xffffffff || value < -0x100000000) && value <= MAX_EXACT && value >= -MAX_EXACT && Number.isInteger(value);
}

/** `value` with wide integers as BigInt; containers are copied only on the path to one. */
export function withExactIntegers(value: unknown): unknown {
  if (typeof value === 'number') return isWideInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const exact = withExactIntegers(item);
      if (exact !== item) (copy ??= value.slice())[i] = exact;
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    const exact = withExactIntegers(item);
    if (exact !== item) (copy ??= { ...record })[key] = exact;
  }
  return copy ?? value;
}

function encodeOne(message: unknown[]): Uint8Array {
  return codec.encode(withExactIntegers(message));
}

/** CBOR's unsigned integer markers (major type 0): 1-, 2-, 4- and 8-byte forms (0-23 in the marker itself). */
const UINT_MARKERS = [0x18, 0x19, 0x1a, 0x1b] as const;

/** One message; a PUBLISH of args marked immutable (publish-cache.ts) writes only its request id afresh. `prefix`: 4 for batched. */
function encodeMessage(message: unknown[], prefix: 0 | 4): Uint8Array {
  // The tail: everything after the id of the message written with id 0 (0x85 array of 5, 0x10, 0x00).
  const tail = publishTail(message, 'cbor', () => encodeOne([16, 0, message[2], message[3], message[4]]).slice(3));
  if (tail === undefined) return prefix === 0 ? encodeOne(message) : frameLengthPrefixed(encodeOne(message));
  return spliceId(0x85, message[1] as number, tail, 23, UINT_MARKERS, prefix);
}

/** `__proto__` as a CBOR text string: header 0x69 (text, 9 bytes), then its bytes. */
const PROTO_KEY = [0x69, 0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f];

/** Whether the frame spells the text string `__proto__` anywhere (a key or not). */
function mayHoldProtoKey(body: Uint8Array): boolean {
  for (let at = body.indexOf(0x69); at >= 0 && at + 9 < body.length; at = body.indexOf(0x69, at + 1)) {
    let k = 1;
    while (k < 10 && body[at + k] === PROTO_KEY[k]) k++;
    if (k === 10) return true;
  }
  return false;
}

/**
 * A decoded map (Map) as the plain object cbor-x would make, except that a
 * `__proto__` key stays an own property of that name (cbor-x renames it
 * `__proto_`, silently: crossbar passes it on as it is).
 */
function plainObjects(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = plainObjects(value[i]);
    return value;
  }
  if (!(value instanceof Map)) return value;
  const object: Record<string, unknown> = {};
  for (const [key, item] of value) {
    if (typeof key === 'object' && key !== null) throw new TypeError(`Invalid property name type ${typeof key}`);
    Object.defineProperty(object, String(key), { value: plainObjects(item), writable: true, enumerable: true, configurable: true });
  }
  return object;
}

/**
 * cbor-x writes U+FFFD for invalid UTF-8: a decoded value with more of them
 * than the frame spells out as EF BF BD had an invalid string, which crossbar
 * (cbor2) refuses. A frame that may carry a `__proto__` key (a scan of its
 * bytes, cheap against decoding) is decoded with maps as Map instead.
 */
function decodeOne(body: Uint8Array): unknown {
  const value = mayHoldProtoKey(body) ? plainObjects(mapCodec.decode(body)) : codec.decode(body);
  const replaced = replacementChars(value);
  if (replaced > 0 && replaced > encodedReplacementChars(body)) throw new TypeError('A string is not valid UTF-8.');
  return value;
}

export const cbor: WampSerializer = {
  protocol: 'wamp.2.cbor',
  binary: true,
  encode: (message) => encodeMessage(message, 0),
  decode: (frame) => [decodeOne(asBytes(frame))],
};

export const cborBatched: WampSerializer = {
  protocol: 'wamp.2.cbor.batched',
  binary: true,
  encode: (message) => encodeMessage(message, 4),
  decode: (frame) => splitLengthPrefixed(asBytes(frame), decodeOne),
};
