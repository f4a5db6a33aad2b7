// Caller-supplied text in a log line: quoted, escaped and cut. One helper
// for every log line that carries an agent's or a caller's string, so no
// address can forge a log line (newlines, terminal escapes) or grow the log
// by more than a bounded amount per line.

/** Longest piece of caller text a log line carries. */
export const LOG_TEXT_MAX = 120;

/**
 * `text` as a JSON string literal (newlines, quotes, control characters and
 * lone surrogates escaped; U+2028/9 too), cut to `max` characters with the
 * rest counted: `"abc…" (+65416 chars)`.
 */
export function logText(text: string, max: number = LOG_TEXT_MAX): string {
  const cut = text.length > max;
  let head = cut ? text.slice(0, max) : text;
  // Do not end on half a surrogate pair.
  if (cut && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const quoted = JSON.stringify(cut ? `${head}…` : head).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return cut ? `${quoted} (+${text.length - head.length} chars)` : quoted;
}
