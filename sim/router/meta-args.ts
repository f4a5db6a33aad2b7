// Arguments of meta procedures, read the way crossbar's Python service
// session reads them (positional or by keyword), and its error texts.

import { WampError, WampErrors } from '../../src/wamp/session.ts';

/** Argument `index` (or keyword `name`); undefined if absent. */
export function optionalArg(args: unknown[], kwargs: Record<string, unknown>, index: number, name: string): unknown {
  return index < args.length ? args[index] : kwargs[name];
}

/** A required argument; missing, crossbar answers with Python's TypeError text. */
export function requiredArg(args: unknown[], kwargs: Record<string, unknown>, index: number, name: string, method: string): unknown {
  if (index < args.length) return args[index];
  if (name in kwargs) return kwargs[name];
  throw new WampError(WampErrors.runtimeError, [`RouterServiceAgent.${method}() missing 1 required positional argument: '${name}'`]);
}

/** A value as Python's str() writes it, for error texts such as "no session with ID abc exists". */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Python's type name, for crossbar's "'uri' should be unicode, not int". */
export function pyType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}
