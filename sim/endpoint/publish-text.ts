// A heartbeat-shaped PUBLISH read in place from its JSON text, for the
// router's fast path: `[16,<request>,{},"<topic>",<args>]` or
// `...,<args>,<kwargs>]`, exactly so (no whitespace, no options), which is
// what our agents and autobahn write for every feed publish. The head gives
// the request id and the topic (the connection's last topic is reused when it
// is the same text: an agent beats on one topic); the arguments are only
// checked to be strict JSON (json-check.ts) and then forwarded as the text
// they are, so no object is built for them. Anything else is not read here
// (-1) and takes the ordinary path: JSON.parse, messageProblem, the broker.
//
// Why: at 10k agents on Bun the router's JavaScript per heartbeat was
// JSON.parse of the PUBLISH (~26% of it), noting its text for the EVENT
// (~17%) and splicing the EVENT (~11%) (bench/router-receive.bench.ts).

import { jsonValueEnd } from '../../src/core/json-check.ts';

/** Request ids up to 15 digits are surely in 1..2^53; longer ones take the ordinary path. */
const MAX_REQUEST_DIGITS = 15;

export class PublishReader {
  /** Of the last PUBLISH read: its request id, topic, and arguments' text from args on (`args(,kwargs)]`). */
  request = 0;
  topic = '';
  tail = '';

  /**
   * Where the arguments start in `text` (the `[` of args) if it is a plain
   * PUBLISH whose arguments are strict JSON; -1 otherwise.
   */
  read(text: string): number {
    const n = text.length;
    if (n < 12 || text.charCodeAt(0) !== 0x5b || text.charCodeAt(1) !== 0x31 || text.charCodeAt(2) !== 0x36 || text.charCodeAt(3) !== 0x2c) return -1;
    let i = 4;
    let c = text.charCodeAt(i);
    if (c < 0x31 || c > 0x39) return -1;
    let request = 0;
    while (c >= 0x30 && c <= 0x39) {
      request = request * 10 + (c - 0x30);
      c = text.charCodeAt(++i);
    }
    if (i - 4 > MAX_REQUEST_DIGITS) return -1;
    // `,{},"`
    if (
      c !== 0x2c || text.charCodeAt(i + 1) !== 0x7b || text.charCodeAt(i + 2) !== 0x7d || text.charCodeAt(i + 3) !== 0x2c || text.charCodeAt(i + 4) !== 0x22
    ) {
      return -1;
    }
    const from = i + 5;
    const last = this.topic;
    let to: number;
    if (last !== '' && text.charCodeAt(from + last.length) === 0x22 && text.startsWith(last, from)) {
      to = from + last.length;
    } else {
      // Printable ASCII but `"` and `\`: the topic is then its own JSON text.
      for (to = from; to < n; to++) {
        c = text.charCodeAt(to);
        if (c === 0x22) break;
        if (c < 0x21 || c > 0x7e || c === 0x5c) return -1;
      }
      if (to === from || to >= n) return -1;
      this.topic = detached(text.slice(from, to));
    }
    // `,[` then args, then `]` or `,{`kwargs`]`, and nothing after.
    const at = to + 2;
    if (text.charCodeAt(to + 1) !== 0x2c || text.charCodeAt(at) !== 0x5b) return -1;
    const tail = this.tail;
    if (tail.length === n - at && text.startsWith(tail, at)) {
      this.request = request;
      return at;
    }
    let end = jsonValueEnd(text, at);
    if (end < 0) return -1;
    if (text.charCodeAt(end) === 0x2c) {
      if (text.charCodeAt(end + 1) !== 0x7b) return -1;
      end = jsonValueEnd(text, end + 1);
      if (end < 0) return -1;
    }
    if (end !== n - 1 || text.charCodeAt(end) !== 0x5d) return -1;
    this.request = request;
    this.tail = detached(text.slice(at));
    return at;
  }
}

/**
 * A copy of `part` that does not keep the text it was cut from alive. Kept across messages, a slice would
 * hold its whole frame, and behind proxies its whole link batch (megabytes when a big call result shared
 * it): 10k connections held +50 MiB so (RSS of the router process, bench/RESULTS.md). A JSON round trip is
 * a copy in JavaScriptCore where a slice of a concatenation is not; it runs only when a topic or the
 * arguments change.
 */
function detached(part: string): string {
  return JSON.parse(JSON.stringify(part)) as string;
}
