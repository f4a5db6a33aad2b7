// crossbar's URI rules (docs/ocs-protocol.md §1.5): how a subscription or registration
// pattern matches a concrete URI, and which URIs are valid at all. crossbar's
// default URI check is "loose": a component is any run of characters other
// than whitespace, '.' and '#'.

import type { MatchPolicy } from './session.ts';

// The loose patterns of autobahn-python's wamp/message.py, which crossbar uses.
/** Concrete URI: every component non-empty (topics published to, procedures called, exact patterns). */
const LOOSE_NON_EMPTY = /^([^\s.#]+\.)*([^\s.#]+)$/;
/** Wildcard pattern: any component may be empty. */
const LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
/** Prefix pattern: only the last component may be empty ("observatory." is fine). */
const LOOSE_LAST_EMPTY = /^([^\s.#]+\.)*([^\s.#]*)$/;

/** True when `uri` is a valid concrete URI (what PUBLISH and CALL carry). */
export function isValidUri(uri: string): boolean {
  return LOOSE_NON_EMPTY.test(uri);
}

/** True when `pattern` is valid for SUBSCRIBE/REGISTER with this match policy. */
export function isValidPattern(pattern: string, match: MatchPolicy): boolean {
  if (match === 'wildcard') return LOOSE_EMPTY.test(pattern);
  if (match === 'prefix') return LOOSE_LAST_EMPTY.test(pattern);
  return LOOSE_NON_EMPTY.test(pattern);
}

/**
 * Does `pattern` under `match` match the concrete `uri`? This is the reference
 * rule; the simulator's broker and dealer use the faster UriIndex (sim/router/uri-index.ts).
 *  - exact: equal strings;
 *  - prefix: plain string prefix, no component boundary ("observatory" matches "observatoryX");
 *  - wildcard: same number of '.'-components; an empty pattern component
 *    matches any one non-empty component, others must be equal.
 */
export function uriMatches(pattern: string, match: MatchPolicy, uri: string): boolean {
  if (match === 'exact') return pattern === uri;
  if (match === 'prefix') return uri.startsWith(pattern);
  const want = pattern.split('.');
  const have = uri.split('.');
  if (want.length !== have.length) return false;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w === '' ? h === '' : w !== h) return false;
  }
  return true;
}

/** Type guard for the `match` option as it arrives on the wire. */
export function isMatchPolicy(value: unknown): value is MatchPolicy {
  return value === 'exact' || value === 'prefix' || value === 'wildcard';
}
