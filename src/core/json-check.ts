// Strict JSON checked in place, without building anything: where one value
// ends in a text. For the router's PUBLISH fast path (sim/endpoint/publish-text.ts),
// which forwards a heartbeat's arguments as the text it received and so must know
// that text is JSON that JSON.parse would take, and the registry's heartbeat
// read in place (heartbeat-text.ts), which skips the feed values it does not read. Conservative: it answers -1
// for anything it is not sure of (Python's NaN/Infinity tokens, nesting
// deeper than 64, a lone bad escape...), and the caller then takes the
// ordinary path (JSON.parse), which accepts or refuses exactly as before.

const ARRAY = 1;
const OBJECT = 2;
const MAX_DEPTH = 64;
/** Open containers; shared (the check never re-enters itself). */
const stack = new Uint8Array(MAX_DEPTH);

function space(text: string, i: number, n: number): number {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** From an opening quote at `i`, past its closing quote; -1 if not a JSON string. */
export function jsonStringEnd(text: string, i: number, n: number): number {
  if (text.charCodeAt(i) !== 0x22) return -1;
  for (i++; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = text.charCodeAt(++i);
      if (e === 0x75) {
        if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2)) || !isHex(text.charCodeAt(i + 3)) || !isHex(text.charCodeAt(i + 4))) return -1;
        i += 4;
      } else if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    }
  }
  return -1;
}

function digitsEnd(text: string, i: number, n: number): number {
  const from = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i > from ? i : -1;
}

/** Past a JSON number at `i`; -1 if there is none (`-Infinity` included). */
function numberEnd(text: string, i: number, n: number): number {
  if (text.charCodeAt(i) === 0x2d) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) i = digitsEnd(text, i, n);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    i = digitsEnd(text, i + 1, n);
    if (i < 0) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    i = digitsEnd(text, i, n);
  }
  return i;
}

/** Past `word` at `i`, or -1. */
function literalEnd(text: string, i: number, word: string): number {
  return text.startsWith(word, i) ? i + word.length : -1;
}

/**
 * Where the JSON value starting at `at` (after optional whitespace) ends:
 * the index just past it; -1 if the text there is not strictly JSON, or not
 * surely so.
 */
export function jsonValueEnd(text: string, at: number): number {
  const n = text.length;
  let depth = 0;
  let i = at;
  for (;;) {
    // A value is expected at i.
    i = space(text, i, n);
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (depth === MAX_DEPTH) return -1;
      stack[depth++] = c === 0x5b ? ARRAY : OBJECT;
      i = space(text, i + 1, n);
      const d = text.charCodeAt(i);
      if (d === (c === 0x5b ? 0x5d : 0x7d)) {
        depth--;
        i++;
      } else if (c === 0x5b) {
        continue;
      } else {
        i = memberKey(text, i, n);
        if (i < 0) return -1;
        continue;
      }
    } else if (c === 0x22) i = jsonStringEnd(text, i, n);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = numberEnd(text, i, n);
    else if (c === 0x74) i = literalEnd(text, i, 'true');
    else if (c === 0x66) i = literalEnd(text, i, 'false');
    else if (c === 0x6e) i = literalEnd(text, i, 'null');
    else return -1;
    if (i < 0) return -1;
    // After a value: close containers, or a comma and the next value.
    for (;;) {
      if (depth === 0) return i;
      i = space(text, i, n);
      const d = text.charCodeAt(i);
      const inArray = stack[depth - 1] === ARRAY;
      if (d === 0x2c) {
        i++;
        if (!inArray) {
          i = memberKey(text, space(text, i, n), n);
          if (i < 0) return -1;
        }
        break;
      }
      if (d !== (inArray ? 0x5d : 0x7d)) return -1;
      depth--;
      i++;
    }
  }
}

/** `"key" :` from `i`; past the colon, or -1. */
function memberKey(text: string, i: number, n: number): number {
  i = jsonStringEnd(text, i, n);
  if (i < 0) return -1;
  i = space(text, i, n);
  return text.charCodeAt(i) === 0x3a ? i + 1 : -1;
}
