// `wamp.2.json` and `wamp.2.json.batched` (each message ends with 0x18, as in
// autobahn's `b"\30"`). JSON is read and written the way Python's json module
// (crossbar, autobahn-python, OCS) does: the bare tokens `NaN`, `Infinity`
// and `-Infinity` stand for the non-finite floats (JSON.stringify would turn
// them into `null`, JSON.parse refuses them).

import { asText, type WampSerializer } from './serializer.ts';
import { keptFor, publishTail } from './publish-cache.ts';

/** autobahn's batched JSON separator: octal 30, i.e. 0x18. */
export const BATCH_SEPARATOR = '\u0018';

export const json: WampSerializer = {
  protocol: 'wamp.2.json',
  binary: false,
  encode: (message) => encodeMessage(message),
  decode: (frame) => [decodePythonJson(asText(frame))],
};

export const jsonBatched: WampSerializer = {
  protocol: 'wamp.2.json.batched',
  binary: false,
  encode: (message) => encodeMessage(message) + BATCH_SEPARATOR,
  decode: (frame) => splitBatchedJson(frame).map(decodePythonJson),
};

/** The JSON texts of the messages in one `wamp.2.json.batched` frame. */
export function splitBatchedJson(frame: string | Uint8Array): string[] {
  const parts = asText(frame).split(BATCH_SEPARATOR);
  if (parts.pop() !== '') throw new SyntaxError('A batched JSON frame must end with 0x18.');
  return parts;
}

export { markImmutableArgs } from './publish-cache.ts';

/** Args whose JSON text the publisher wrote itself (one slot: see presetArgsJson). */
let presetArgs: object | null = null;
let presetText = '';

/**
 * The publisher of `args` knows their JSON text (it wrote it from a fixed
 * shape, e.g. an agent_operations event): a PUBLISH carrying exactly this
 * array, encoded next, uses `text` instead of writing the args again. One
 * slot, not a map: publish() encodes at once, so the slot is taken by the
 * very next encode or left for the next preset (a non-JSON transport ignores
 * it). `text` must be what encodePythonJson(args) gives (tests check it).
 */
export function presetArgsJson(args: readonly unknown[], text: string): void {
  presetArgs = args;
  presetText = text;
}

/**
 * One message as Python's JSON. A PUBLISH of args marked immutable writes
 * only its request id afresh (publish-cache.ts): `[16,` + id + the kept rest;
 * one of preset args (presetArgsJson) writes only its head.
 */
function encodeMessage(message: unknown[]): string {
  if (message[0] !== 16 || message.length !== 5) return encodePythonJson(message);
  if (message[4] === presetArgs) {
    presetArgs = null;
    return `[16,${encodePythonJson(message[1])},${encodePythonJson(message[2])},${encodePythonJson(message[3])},${presetText}]`;
  }
  const kept = keptFor(message[4]);
  if (kept === undefined) return encodePythonJson(message);
  const tail = publishTail(message, 'json', () => `,${encodePythonJson(message[2])},${encodePythonJson(message[3])},${argsText(kept, message[4])}]`);
  if (tail !== undefined) return `[16,${message[1] as number}${tail}`;
  // Options that may change: only the args' text is kept.
  return `[16,${encodePythonJson(message[1])},${encodePythonJson(message[2])},${encodePythonJson(message[3])},${argsText(kept, message[4])}]`;
}

function argsText(kept: { argsText?: string }, args: unknown): string {
  return kept.argsText ??= encodePythonJson(args);
}

// A placeholder string no peer can forge: it carries a per-process random nonce.
const NONCE = `pyjson-${Math.random().toString(36).slice(2)}:`;
const TOKENS: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

/**
 * JSON text as Python writes it. The fast path is JSON.parse; only text it
 * refuses is scanned for the non-finite tokens (outside strings) and parsed
 * again with them swapped for placeholders.
 */
export function decodePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const swapped = swapTokens(text);
    if (swapped === null) throw error;
    return JSON.parse(swapped, (_key, value) => typeof value === 'string' && value.startsWith(NONCE) ? TOKENS.get(value.slice(NONCE.length)) : value);
  }
}

/** The text with each bare NaN/Infinity/-Infinity replaced by a placeholder string; null if it has none. */
function swapTokens(text: string): string | null {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const token = c === 0x4e ? 'NaN' : c === 0x49 ? 'Infinity' : c === 0x2d && text.charCodeAt(i + 1) === 0x49 ? '-Infinity' : null;
    if (token === null || !text.startsWith(token, i)) continue;
    out += `${text.slice(from, i)}"${NONCE}${token}"`;
    i += token.length - 1;
    from = i + 1;
  }
  return from === 0 ? null : out + text.slice(from);
}

/**
 * Python's json.dumps(allow_nan=True) output for non-finite numbers. The fast
 * path is JSON.stringify; only a text with `null` in it (where a non-finite
 * number may have gone) is written again with the tokens kept.
 */
export function encodePythonJson(message: unknown): string {
  const text = JSON.stringify(message);
  // `null` in the text may be a non-finite number; a plain walk (much cheaper than a replacer) says whether one is there.
  if (!text.includes('null') || !hasNonFinite(message, 0)) return text;
  let swapped = false;
  const marked = JSON.stringify(message, (_key, value) => {
    if (typeof value !== 'number' || Number.isFinite(value)) return value;
    swapped = true;
    return `${NONCE}${value !== value ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}`;
  });
  if (!swapped) return text;
  return marked.replace(MARKED, '$1');
}

/** Whether `value` holds a NaN or an infinity (what JSON.stringify would write as null). Stops at the first. */
function hasNonFinite(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null || depth > 200) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNonFinite(value[i], depth + 1)) return true;
    return false;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value as Record<string, unknown>) if (hasNonFinite((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

const MARKED = new RegExp(`"${NONCE}(NaN|Infinity|-Infinity)"`, 'g');
