// Binding WAMP args/kwargs to a Python signature, with CPython's TypeError
// texts: autobahn calls `handler(*args, **kwargs)`, so a bad call shape fails
// with wamp.error.runtime_error carrying that text.
import { WampError, WampErrors } from '../wamp/session.ts';
import { isPyDict } from './py-repr.ts';

export interface Signature {
  /** Shown in errors, e.g. `_ops_handler`. */
  name: string;
  /** Parameter names after `self`, in order. */
  params: readonly string[];
  /** How many leading params are required. */
  required: number;
  /** `**kwargs`: unknown keyword arguments are accepted (and ignored). */
  varKeywords: boolean;
}

/** Bind `args`/`kwargs` to `sig`; unset optional params are `undefined`. Throws WampError like Python. */
export function bindArguments(sig: Signature, args: unknown, kwargs: unknown): Record<string, unknown> {
  const positional = Array.isArray(args) ? args : [];
  const keywords = isPyDict(kwargs) ? kwargs : {};
  const bound: Record<string, unknown> = {};
  const isSet = new Set<string>();
  const n = Math.min(positional.length, sig.params.length);
  for (let i = 0; i < n; i++) {
    const name = sig.params[i]!;
    bound[name] = positional[i];
    isSet.add(name);
  }
  for (const key of Object.keys(keywords)) {
    if (!sig.params.includes(key)) {
      if (sig.varKeywords) continue;
      throw typeError(`${sig.name}() got an unexpected keyword argument '${key}'`);
    }
    if (isSet.has(key)) throw typeError(`${sig.name}() got multiple values for argument '${key}'`);
    bound[key] = keywords[key];
    isSet.add(key);
  }
  if (positional.length > sig.params.length) {
    const most = sig.params.length + 1;
    const least = sig.required + 1;
    const takes = least === most ? `${most} positional argument${most === 1 ? '' : 's'}` : `from ${least} to ${most} positional arguments`;
    throw typeError(`${sig.name}() takes ${takes} but ${positional.length + 1} were given`);
  }
  const missing = sig.params.slice(0, sig.required).filter((p) => !isSet.has(p));
  if (missing.length > 0) {
    const quoted = missing.map((m) => `'${m}'`);
    // CPython: 'a' / 'a' and 'b' / 'a', 'b', and 'c'
    const list = quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
    throw typeError(
      `${sig.name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`,
    );
  }
  return bound;
}

function typeError(text: string): WampError {
  return new WampError(WampErrors.runtimeError, [text]);
}
