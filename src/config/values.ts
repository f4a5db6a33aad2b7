// Text-to-number conversion with Python's float()/int() syntax (surrounding
// whitespace, a sign, underscores between digits), so every value a Python
// registry accepts is accepted here. Non-finite values are refused: an
// infinite timeout is spelled 0 where it exists (--crossbar-timeout).

import { UsageError } from './errors.ts';
import type { OptionSpec } from './options.ts';

const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_SYNTAX = new RegExp(
  String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`,
);
const INT_SYNTAX = new RegExp(String.raw`^[+-]?${DIGITS}$`);
const NON_FINITE = /^[+-]?(?:inf|infinity|nan)$/i;

/** `where` is appended to messages, e.g. ` (from environment variable X)`. */
export function convertValue(spec: OptionSpec, raw: string, where = ''): number {
  const fail = (problem: string): never => {
    throw new UsageError(`Invalid value for "${spec.flag}": ${JSON.stringify(raw)} ${problem}${where}`);
  };
  const text = raw.trim();
  let value: number;
  if (spec.kind === 'int') {
    if (!INT_SYNTAX.test(text)) return fail('is not an integer');
    value = Number(text.replaceAll('_', ''));
    if (!Number.isSafeInteger(value)) return fail('is too large');
  } else {
    if (NON_FINITE.test(text)) return fail('is not a finite number');
    if (!FLOAT_SYNTAX.test(text)) return fail('is not a number');
    value = Number(text.replaceAll('_', ''));
    if (!Number.isFinite(value)) return fail('is too large');
  }
  if (spec.min !== undefined && value < spec.min) {
    return fail(spec.min === 0 ? 'must not be negative' : `must be at least ${spec.min}`);
  }
  if (spec.max !== undefined && value > spec.max) return fail(`must be at most ${spec.max}`);
  return value;
}
