// A JSON EVENT written with the text of its PUBLISH's arguments, not by
// JSON.stringify again: the broker passes a PUBLISH's args (and kwargs) to
// its EVENTs as the same objects, so when a PUBLISH arrived as JSON text its
// arguments' text can be spliced into each EVENT as it was received. For a
// heartbeat (the hot path: one EVENT per PUBLISH, to the registry) this
// replaces serializing the op codes and the feed description with a scan of
// the PUBLISH's first few dozen characters. Anything unusual (whitespace we
// do not expect, a frame that is not one PUBLISH) falls back to stringify.

import { encodePythonJson } from '../../src/wamp/serializers/json.ts';
import { MessageType } from '../../src/wamp/messages.ts';

/** The args of the last PUBLISH noted (identity is what is matched), its length, and its text from the args on. */
let lastArgs: unknown = undefined;
let lastLength = 0;
let lastTail = '';

/** Note a PUBLISH decoded from `text` (one message per frame). */
export function notePublishText(message: unknown[], text: string): void {
  lastArgs = undefined;
  if (message.length < 5) return;
  const at = argumentsOffset(text);
  if (at < 0) return;
  lastArgs = message[4];
  lastLength = message.length;
  lastTail = text.slice(at);
}

/** The JSON text of `event` if it carries the arguments of the last PUBLISH noted; null otherwise. */
export function splicedEventText(event: unknown[]): string | null {
  if (lastArgs === undefined || event[4] !== lastArgs || event[0] !== MessageType.EVENT || event.length !== lastLength) return null;
  return `[${MessageType.EVENT},${event[1]},${event[2]},${encodePythonJson(event[3])},${lastTail}`;
}

/**
 * Where the arguments start in a PUBLISH's JSON text `[16,<request>,{options},"topic",<args>...`;
 * -1 if the text does not look like that.
 */
export function argumentsOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const space = () => {
    while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x0a || text.charCodeAt(i) === 0x0d || text.charCodeAt(i) === 0x09)) i++;
  };
  const expect = (code: number) => {
    space();
    if (text.charCodeAt(i) !== code) return false;
    i++;
    return true;
  };
  const digits = () => {
    space();
    const from = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i > from;
  };
  /** From an opening quote, past its closing quote. */
  const string = () => {
    if (text.charCodeAt(i) !== 0x22) return false;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        i++;
        return true;
      }
    }
    return false;
  };
  /** From an opening brace, past its matching closing brace. */
  const object = () => {
    space();
    if (text.charCodeAt(i) !== 0x7b) return false;
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        if (!string()) return false;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          i++;
          return true;
        }
      }
      i++;
    }
    return false;
  };
  if (!expect(0x5b) || !digits() || !expect(0x2c) || !digits() || !expect(0x2c) || !object() || !expect(0x2c)) return -1;
  space();
  if (!string() || !expect(0x2c)) return -1;
  space();
  return i < n ? i : -1;
}
