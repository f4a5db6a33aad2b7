// `wamp.2.msgpack` and `wamp.2.msgpack.batched` (length-prefixed messages).

import { decode, encode } from '@msgpack/msgpack';
import { asBytes, frameLengthPrefixed, splitLengthPrefixed, type WampSerializer } from './serializer.ts';

export const msgpack: WampSerializer = {
  protocol: 'wamp.2.msgpack',
  binary: true,
  encode: (message) => encode(message),
  decode: (frame) => [decode(asBytes(frame))],
};

export const msgpackBatched: WampSerializer = {
  protocol: 'wamp.2.msgpack.batched',
  binary: true,
  encode: (message) => frameLengthPrefixed(encode(message)),
  decode: (frame) => splitLengthPrefixed(asBytes(frame), (body) => decode(body)),
};
