// `wamp.2.msgpack` and `wamp.2.msgpack.batched` (length-prefixed messages).
// Strings must be valid UTF-8, as crossbar requires (see strict-utf8.ts).

import { Decoder, encode } from '@msgpack/msgpack';
import { asBytes, frameLengthPrefixed, splitLengthPrefixed, type WampSerializer } from './serializer.ts';
import { checkUtf8 } from './strict-utf8.ts';

/** The library's decoder with its string hook checking UTF-8 first (its own decoding substitutes characters). */
const decoder = new Decoder();
type StringHook = (this: { bytes: Uint8Array; pos: number }, byteLength: number, headerOffset: number) => string;
const hooked = decoder as unknown as { decodeUtf8String: StringHook };
const decodeString = hooked.decodeUtf8String;
hooked.decodeUtf8String = function (byteLength, headerOffset) {
  if (this.pos + headerOffset + byteLength <= this.bytes.byteLength) checkUtf8(this.bytes, this.pos + headerOffset, byteLength);
  return decodeString.call(this, byteLength, headerOffset);
};

function decodeOne(body: Uint8Array): unknown {
  return decoder.decode(body);
}

export const msgpack: WampSerializer = {
  protocol: 'wamp.2.msgpack',
  binary: true,
  encode: (message) => encode(message),
  decode: (frame) => [decodeOne(asBytes(frame))],
};

export const msgpackBatched: WampSerializer = {
  protocol: 'wamp.2.msgpack.batched',
  binary: true,
  encode: (message) => frameLengthPrefixed(encode(message)),
  decode: (frame) => splitLengthPrefixed(asBytes(frame), decodeOne),
};
