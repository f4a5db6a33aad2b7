// Text in msgpack and CBOR must be valid UTF-8. crossbar (Python's msgpack
// and cbor2) refuses a frame with an invalid string: the sender loses its
// connection. The JS decoders would instead substitute characters (U+FFFD,
// or Latin-1 in @msgpack/msgpack's short-string path), so a frame crossbar
// refuses would pass here. These helpers make ours refuse it too.

const fatal = new TextDecoder('utf-8', { fatal: true });

/** Throws TypeError unless bytes[start, start+length) are valid UTF-8; ASCII costs one pass. */
export function checkUtf8(bytes: Uint8Array, start: number, length: number): void {
  const end = start + length;
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) >= 0x80) {
      try {
        fatal.decode(bytes.subarray(start, end));
      } catch {
        throw new TypeError('A string is not valid UTF-8.');
      }
      return;
    }
  }
}

/** U+FFFD characters in the strings and keys of a decoded value. */
export function replacementChars(value: unknown): number {
  if (typeof value === 'string') return countFffd(value);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) n += replacementChars(value[i]);
    return n;
  }
  if (ArrayBuffer.isView(value)) return 0;
  for (const key in value as Record<string, unknown>) n += countFffd(key) + replacementChars((value as Record<string, unknown>)[key]);
  return n;
}

/** U+FFFD as it is written in UTF-8 (EF BF BD) in the raw bytes. */
export function encodedReplacementChars(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  }
  return n;
}

function countFffd(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) n++;
  return n;
}
