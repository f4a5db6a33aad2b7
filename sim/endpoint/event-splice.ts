// A JSON EVENT (or RESULT) written with the text of its PUBLISH's (or
// YIELD's) arguments, not by JSON.stringify again: the broker passes a
// PUBLISH's args (and kwargs) to its EVENTs as the same objects, and the
// dealer a YIELD's to its RESULT, so when the message arrived as JSON text
// its arguments' text can be spliced into what goes out as it was received.
// For a heartbeat (the hot path: one EVENT per PUBLISH, to the registry) this
// replaces serializing the op codes and the feed description with a scan of
// the PUBLISH's first few dozen characters; the EVENT's details reuse the
// topic's text too. For a big call result (main.status() of a large table)
// it saves writing megabytes again. Anything unusual (whitespace we do not
// expect, a message that is neither) falls back to stringify.

import { encodePythonJson } from '../../src/wamp/serializers/json.ts';
import { MessageType } from '../../src/wamp/messages.ts';

/** The type of the last message noted (PUBLISH or YIELD; 0: none), its args (identity is what is matched), its length. */
let lastType = 0;
let lastArgs: unknown = undefined;
let lastLength = 0;
/** Its text from the args on. */
let lastTail = '';
/** A PUBLISH's topic, and its JSON text as received. */
let lastTopic: unknown = undefined;
let lastTopicText = '';

/** Note a PUBLISH or YIELD decoded from `text`, the JSON text of that one message. */
export function noteMessageText(message: unknown[], text: string): void {
  lastType = 0;
  const type = message[0];
  if (message.length < (type === MessageType.PUBLISH ? 5 : 4)) return;
  const at = type === MessageType.PUBLISH ? argumentsOffset(text) : type === MessageType.YIELD ? argumentsOffset(text, false) : -1;
  if (at < 0) return;
  lastType = type as number;
  lastArgs = message[type === MessageType.PUBLISH ? 4 : 3];
  lastLength = message.length;
  lastTail = text.slice(at);
  if (type === MessageType.PUBLISH) {
    lastTopic = message[3];
    lastTopicText = text.slice(topicFrom, topicTo);
  }
}

/** The JSON text of `message` if it is an EVENT (RESULT) carrying the arguments of the last PUBLISH (YIELD) noted; null otherwise. */
export function splicedText(message: unknown[]): string | null {
  if (lastType === 0 || message.length !== lastLength) return null;
  if (lastType === MessageType.PUBLISH) {
    if (message[0] !== MessageType.EVENT || message[4] !== lastArgs) return null;
    return `[${MessageType.EVENT},${message[1]},${message[2]},${detailsText(message[3])},${lastTail}`;
  }
  if (message[0] !== MessageType.RESULT || message[3] !== lastArgs) return null;
  return `[${MessageType.RESULT},${message[1]},${encodePythonJson(message[2])},${lastTail}`;
}

/** EVENT details; `{topic}` of the noted PUBLISH's topic reuses its text. */
function detailsText(details: unknown): string {
  const d = details as { topic?: unknown };
  if (d.topic === lastTopic && lastTopic !== undefined) {
    let keys = 0;
    for (const _ in d) keys++;
    if (keys === 1) return `{"topic":${lastTopicText}}`;
  }
  return encodePythonJson(details);
}

/** Where argumentsOffset found the topic's text (quotes included). */
let topicFrom = 0;
let topicTo = 0;

/**
 * Where the arguments start in a PUBLISH's JSON text `[16,<request>,{options},"topic",<args>...`
 * (or, without `topic`, a YIELD's `[70,<request>,{options},<args>...`); -1 if the text does not look like that.
 */
export function argumentsOffset(text: string, topic = true): number {
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
  if (topic) {
    const from = i;
    if (!string()) return -1;
    topicFrom = from;
    topicTo = i;
    if (!expect(0x2c)) return -1;
    space();
  }
  return i < n ? i : -1;
}
