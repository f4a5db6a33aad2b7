// `OpSession.encoded()` deep-copies `data` into JSON-safe form, as Python's
// json_safe does: NaN becomes null, and ±Infinity is an error that fails the
// whole RPC (wamp.error.runtime_error), so clients never get invalid JSON.
import { PyError } from './errors.ts';

export const INFINITE_DATA_MESSAGE = 'Session.data cannot store inf/-inf; please convert to NaN.';

export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return null;
    if (!Number.isFinite(value)) throw new PyError('ValueError', INFINITE_DATA_MESSAGE);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value === undefined ? null : value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = jsonSafe(value[i]);
    return out;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, jsonSafe);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = jsonSafe(v);
  }
  return out;
}
