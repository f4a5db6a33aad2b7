// The @param prescreen (docs/ocs-protocol.md §2.11, ocs_agent.py ParamHandler) as a
// declarative list instead of stacked Python decorators.
//
// ORDER CONVENTION: write the specs in the same order as the Python
// decorators appear in the source, top to bottom. Python applies decorators
// innermost first, so the LAST spec is checked first, and the checked params
// object has its keys in that (bottom-up) order. Transcribing a Python agent
// therefore keeps its exact error precedence. Example (FakeData delay_task):
//
//   params: [
//     { key: 'delay', type: 'float', default: 5.0, check: (v) => v >= 0 },
//     { key: 'succeed', type: 'bool', default: true },   // checked first
//   ]
import { ParamError } from './errors.ts';
import { isPyDict, pyClassRepr, pyEquals, pyNumber, pyRepr, pyStr, pyTruthy, pyTypeName } from './py-repr.ts';

export type ParamType = 'bool' | 'int' | 'float' | 'str' | 'list' | 'tuple' | 'dict';
export type BuiltinCast = 'bool' | 'int' | 'float' | 'str';

export interface ParamSpec {
  /** The param name; `'_no_check_strays'` turns off the stray check, `'_'` is ignored. */
  key: string;
  /** Used when the param is unset; without it an unset param is an error. */
  default?: unknown;
  type?: ParamType;
  /** A Python builtin by name, or a function; applied before type/choices/check. */
  cast?: BuiltinCast | ((value: unknown) => unknown);
  /** How the cast shows in errors when it is a function (Python: `<function f at 0x...>`). */
  castName?: string;
  choices?: readonly unknown[];
  /** A falsy return fails the param. */
  // deno-lint-ignore no-explicit-any -- a check is written for the cast type of its own param
  check?: (value: any) => unknown;
  /** Default true: `null` counts as unset. */
  treatNoneAsMissing?: boolean;
}

export type ParamList = readonly ParamSpec[];

/**
 * Check `params` against `specs` as Python's `ParamHandler.batch` does.
 * Throws ParamError with Python's exact text; any other throw is what Python
 * reports as `CRASH: during param pre-processing: {err}`.
 */
export function prescreen(specs: ParamList, params: unknown): Record<string, unknown> {
  const given = params === null || params === undefined ? {} : params;
  const out: Record<string, unknown> = {};
  const checked = new Set<string>();
  let checkStrays = true;
  for (let i = specs.length - 1; i >= 0; i--) {
    const spec = specs[i]!;
    if (spec.key === '_') continue;
    if (spec.key === '_no_check_strays') {
      checkStrays = false;
      continue;
    }
    if (!isPyDict(given)) throw new TypeError(`'${pyTypeName(given)}' object has no attribute 'get'`);
    checked.add(spec.key);
    out[spec.key] = getParam(spec, given);
  }
  if (checkStrays) {
    if (!isPyDict(given)) throw new TypeError(`'${pyTypeName(given)}' object has no attribute 'keys'`);
    const strays = Object.keys(given).filter((k) => !checked.has(k));
    if (strays.length > 0) throw new ParamError(`params included unexpected values: ${pyRepr(strays)}`);
  }
  return out;
}

/** `ParamHandler.get` for one key of a dict. */
export function getParam(spec: ParamSpec, params: Record<string, unknown>): unknown {
  const { key } = spec;
  const present = Object.hasOwn(params, key);
  let value = present ? params[key] : null;
  let isFloat = false; // Python would hold a float: print 5.0, not 5
  if (value === undefined) value = null;
  const unset = value === null && ((spec.treatNoneAsMissing ?? true) || !present);
  if (unset) {
    if (!Object.hasOwn(spec, 'default')) throw new ParamError(`Param '${key}' is required and must not be None`);
    value = spec.default ?? null;
  }
  if (value === null) return null;
  if (spec.cast !== undefined) {
    try {
      [value, isFloat] = applyCast(spec.cast, value);
    } catch {
      throw new ParamError(`Param '${key}'=${pyStr(value)} could not be cast to ${castRepr(spec)}.`);
    }
  }
  if (spec.type !== undefined) {
    if (spec.type === 'float' && (typeof value === 'boolean' || (typeof value === 'number' && !isFloat))) {
      value = Number(value); // Python's free int -> float conversion (bool is an int)
      isFloat = true;
    }
    if (!isInstance(value, spec.type, isFloat)) {
      throw new ParamError(`Param '${key}'=${pyStr(value, isFloat)} is not of required type (${pyClassRepr(spec.type)})`);
    }
  }
  if (spec.choices !== undefined && !spec.choices.some((c) => pyEquals(c, value))) {
    throw new ParamError(`Param '${key}'=${pyStr(value, isFloat)} is not in allowed set (${pyRepr(spec.choices)})`);
  }
  if (spec.check !== undefined && !pyTruthy(spec.check(value))) {
    throw new ParamError(`Param '${key}' failed validity check (see docs?).`);
  }
  return value;
}

/** Python `isinstance(value, type)` for decoded values. */
function isInstance(value: unknown, type: ParamType, isFloat: boolean): boolean {
  switch (type) {
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'boolean' || typeof value === 'bigint' ||
        (typeof value === 'number' && Number.isSafeInteger(value) && !isFloat);
    case 'float':
      return typeof value === 'number';
    case 'str':
      return typeof value === 'string';
    case 'list':
    case 'tuple':
      return Array.isArray(value);
    case 'dict':
      return isPyDict(value);
  }
}

function castRepr(spec: ParamSpec): string {
  if (typeof spec.cast === 'string') return pyClassRepr(spec.cast);
  return spec.castName ?? `<function ${spec.cast?.name || '<lambda>'}>`;
}

/** Apply a cast; returns the value and whether Python would now hold a float. */
function applyCast(cast: BuiltinCast | ((value: unknown) => unknown), value: unknown): [unknown, boolean] {
  if (typeof cast === 'function') return [cast(value), false];
  switch (cast) {
    case 'str':
      return [pyStr(value), false];
    case 'bool':
      return [pyTruthy(value), false];
    case 'int':
      return [castInt(value), false];
    case 'float':
      return [castFloat(value), true];
  }
}

function castInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('cannot convert float to integer');
    return Math.trunc(value);
  }
  if (typeof value === 'string' && /^\s*[+-]?\d(_?\d)*\s*$/.test(value)) return Number(value.replaceAll('_', ''));
  throw new Error('invalid literal for int()');
}

function castFloat(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase().replaceAll('_', '');
    if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(text)) return NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return Number(text);
  }
  throw new Error('could not convert to float');
}

/** Python `str()` of a value Python holds as a float (exported for op bodies' texts). */
export function pyFloatStr(value: number): string {
  return pyNumber(value, true);
}
