// A heartbeat read straight from its JSON text, for the one case that is
// nearly every heartbeat: an agent repeating exactly what it said last time.
// The registry's JSON.parse of each event built ~20 objects and strings that
// ingest then only compared with what it had (see bench/RESULTS.md, "Registry
// receive path, cut"). Here the args `[[{op_codes},{feed}]]` are scanned in
// place, in the compact form every router writes (crossbar, the simulator,
// autobahn, JSON.stringify); the scan says where the feed's strings are and
// reads the op codes. Anything else (whitespace, escapes, a value of another
// kind, a key that JSON.parse would reorder) stops the scan, and the caller
// parses the event as JSON and ingests it as before, so that path (and every
// rejection) is unchanged.

import { jsonValueEnd } from './json-check.ts';

/** Where one heartbeat's parts are in the text; filled by scanHeartbeatArgs. Reused: copy what you keep. */
export class HeartbeatText {
  text = '';
  /** agent_address: [from, to) of its characters (no quotes). */
  addressFrom = 0;
  addressTo = 0;
  /** session_id's characters, or from = -1 when null or absent. */
  sessionFrom = -1;
  sessionTo = -1;
  /** Op codes: where the op_codes object starts (after `{`), its op count and codes packed 4 bits each (first op highest). */
  opsFrom = 0;
  opCount = 0;
  packedCodes = 0;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The end of the plain JSON string whose opening quote is at `at` (the index
 * of its closing quote), or -1 when it holds an escape or a control
 * character (JSON.parse would rewrite or refuse it) or does not end.
 */
export function plainStringEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) return -1;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

const KEY_ADDRESS = '"agent_address":';
const KEY_SESSION = '"session_id":';
const KEY_CLASS = '"agent_class":';

/**
 * Scan `text[from, to)`, an event's positional arguments, as the compact text
 * of `[[{op: code, ...}, {feed}]]` into `out`; false when it is not exactly
 * that, with every op code a digit 1..8 and op names that need no check
 * beyond what `sameOps` does, agent_address a plain string, agent_class and
 * session_id plain strings of at most `maxNameLength` or null (what readFeed
 * accepts). Duplicate feed keys count as JSON.parse counts them: the last.
 */
export function scanHeartbeatArgs(text: string, from: number, to: number, maxNameLength: number, out: HeartbeatText): boolean {
  if (!text.startsWith('[[{', from)) return false;
  // Op codes: "name":d pairs. Names are checked against the agent's own by sameOps.
  let i = from + 3;
  let count = 0;
  let packed = 0;
  out.opsFrom = i;
  if (text.charCodeAt(i) === CLOSE_BRACE) i++;
  else {
    for (;;) {
      const end = plainStringEnd(text, i);
      if (end < 0 || text.charCodeAt(end + 1) !== COLON) return false;
      const code = text.charCodeAt(end + 2) - 0x30;
      if (code < 1 || code > 8) return false;
      // Up to 13 codes pack exactly into a double, as the agent keeps them; more are left to the parsed path.
      if (++count > 13) return false;
      packed = packed * 16 + code;
      i = end + 3;
      const next = text.charCodeAt(i++);
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return false;
    }
  }
  if (text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== OPEN_BRACE) return false;
  i += 2;
  out.addressFrom = -1;
  out.sessionFrom = -1;
  if (text.charCodeAt(i) !== CLOSE_BRACE) {
    for (;;) {
      const keyEnd = plainStringEnd(text, i);
      if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return false;
      const at = keyEnd + 2;
      let end: number;
      if (text.startsWith(KEY_ADDRESS, i) && keyEnd + 2 === i + KEY_ADDRESS.length) {
        end = plainStringEnd(text, at);
        if (end < 0) return false;
        out.addressFrom = at + 1;
        out.addressTo = end++;
      } else if (text.startsWith(KEY_SESSION, i) && at === i + KEY_SESSION.length) {
        end = nameEnd(text, at, maxNameLength);
        if (end < 0) return false;
        if (text.charCodeAt(at) === QUOTE) {
          out.sessionFrom = at + 1;
          out.sessionTo = end - 1;
        } else out.sessionFrom = -1;
      } else if (text.startsWith(KEY_CLASS, i) && at === i + KEY_CLASS.length) {
        end = nameEnd(text, at, maxNameLength);
        if (end < 0) return false;
      } else {
        end = jsonValueEnd(text, at);
        if (end < 0) return false;
      }
      i = end;
      const next = text.charCodeAt(i++);
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return false;
    }
  } else i++;
  // Exactly the one [op_codes, feed] pair, then the end of the args.
  if (out.addressFrom < 0 || text.charCodeAt(i) !== CLOSE_BRACKET || text.charCodeAt(i + 1) !== CLOSE_BRACKET || i + 2 !== to) return false;
  out.text = text;
  out.opCount = count;
  out.packedCodes = packed;
  return true;
}

/** The end of `null` or a plain string of at most `max` characters at `at`; -1 otherwise. */
function nameEnd(text: string, at: number, max: number): number {
  if (text.startsWith('null', at)) return at + 4;
  const end = plainStringEnd(text, at);
  return end < 0 || end - at - 1 > max ? -1 : end + 1;
}

/**
 * Whether the op names scanned are exactly `names`, in order (and so already
 * valid: they were checked when the agent took them). A name JSON.parse would
 * move (an array index such as "7" goes first) never matches a known list,
 * since such names never reach one in text order.
 */
export function sameOpNames(hb: HeartbeatText, names: readonly string[]): boolean {
  if (hb.opCount !== names.length) return false;
  const text = hb.text;
  let i = hb.opsFrom;
  for (let n = 0; n < names.length; n++) {
    const name = names[n] as string;
    // `"name":d,` — the scan has checked the shape; compare the characters and the closing quote.
    if (text.charCodeAt(i) !== QUOTE || !text.startsWith(name, i + 1) || text.charCodeAt(i + 1 + name.length) !== QUOTE) return false;
    i += name.length + 5;
  }
  return true;
}

/** Whether `text[from, to)` is `expected` followed by `suffix`. */
export function rangeIs(text: string, from: number, to: number, expectedText: string, expectedFrom: number, expectedTo: number, suffix: string): boolean {
  const n = expectedTo - expectedFrom;
  if (to - from !== n + suffix.length) return false;
  for (let k = 0; k < n; k++) if (text.charCodeAt(from + k) !== expectedText.charCodeAt(expectedFrom + k)) return false;
  return text.startsWith(suffix, from + n);
}
