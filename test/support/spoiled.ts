// A serializer that writes invalid UTF-8: the marker "BADUTF8" in a frame has
// its last byte replaced by 0xff (a byte UTF-8 never uses).
import { Buffer } from 'node:buffer';
import type { WampSerializer } from '../../src/wamp/serializers/index.ts';

export const BAD_UTF8_MARKER = 'BADUTF8';

export function withInvalidUtf8(serializer: WampSerializer): WampSerializer {
  return {
    ...serializer,
    encode(message) {
      const bytes = (serializer.encode(message) as Uint8Array).slice();
      const at = Buffer.from(bytes).indexOf(BAD_UTF8_MARKER);
      if (at >= 0) bytes[at + BAD_UTF8_MARKER.length - 1] = 0xff;
      return bytes;
    },
  };
}
