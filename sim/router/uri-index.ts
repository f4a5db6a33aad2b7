// The broker's and dealer's lookup structure: patterns under the three match
// policies, each mapped to one value (a subscription or a registration).
// A lookup never scans every pattern: exact is one Map get, wildcard walks a
// trie of components (one per component count), prefix scans a short list.

import type { MatchPolicy } from '../../src/wamp/session.ts';

interface WildcardNode<T> {
  /** Children by literal component. */
  next: Map<string, WildcardNode<T>> | undefined;
  /** Child for an empty pattern component (matches any one component). */
  any: WildcardNode<T> | undefined;
  value: T | undefined;
}

function newNode<T>(): WildcardNode<T> {
  return { next: undefined, any: undefined, value: undefined };
}

export class UriIndex<T> {
  #exact = new Map<string, T>();
  #prefix = new Map<string, T>();
  /** Prefix patterns, longest first, so the first hit is the dealer's best. */
  #prefixList: Array<{ prefix: string; value: T }> = [];
  /** Wildcard tries keyed by component count: a topic only meets patterns of its own length. */
  #wildcardRoots = new Map<number, WildcardNode<T>>();
  #wildcard = new Map<string, T>();

  get size(): number {
    return this.#exact.size + this.#prefix.size + this.#wildcard.size;
  }

  get(pattern: string, match: MatchPolicy): T | undefined {
    if (match === 'exact') return this.#exact.get(pattern);
    if (match === 'prefix') return this.#prefix.get(pattern);
    return this.#wildcard.get(pattern);
  }

  /** Add or replace the value for `pattern` under `match`. */
  set(pattern: string, match: MatchPolicy, value: T): void {
    if (match === 'exact') {
      this.#exact.set(pattern, value);
    } else if (match === 'prefix') {
      if (this.#prefix.has(pattern)) {
        for (const entry of this.#prefixList) if (entry.prefix === pattern) entry.value = value;
      } else {
        this.#prefixList.push({ prefix: pattern, value });
        this.#prefixList.sort((a, b) => b.prefix.length - a.prefix.length);
      }
      this.#prefix.set(pattern, value);
    } else {
      const parts = pattern.split('.');
      let node: WildcardNode<T> | undefined = this.#wildcardRoots.get(parts.length);
      if (!node) this.#wildcardRoots.set(parts.length, node = newNode<T>());
      for (const part of parts) {
        if (part === '') {
          node = node.any ??= newNode<T>();
        } else {
          const next: Map<string, WildcardNode<T>> = (node.next ??= new Map());
          let child = next.get(part);
          if (!child) next.set(part, child = newNode<T>());
          node = child;
        }
      }
      node.value = value;
      this.#wildcard.set(pattern, value);
    }
  }

  delete(pattern: string, match: MatchPolicy): boolean {
    if (match === 'exact') return this.#exact.delete(pattern);
    if (match === 'prefix') {
      if (!this.#prefix.delete(pattern)) return false;
      this.#prefixList = this.#prefixList.filter((e) => e.prefix !== pattern);
      return true;
    }
    if (!this.#wildcard.delete(pattern)) return false;
    const parts = pattern.split('.');
    const root = this.#wildcardRoots.get(parts.length);
    if (root && this.#deleteWildcard(root, parts, 0)) this.#wildcardRoots.delete(parts.length);
    return true;
  }

  /** Removes the value under `parts[i..]`; returns true when `node` became empty and can be pruned. */
  #deleteWildcard(node: WildcardNode<T>, parts: string[], i: number): boolean {
    if (i === parts.length) {
      node.value = undefined;
    } else {
      const part = parts[i] as string;
      if (part === '') {
        if (node.any && this.#deleteWildcard(node.any, parts, i + 1)) node.any = undefined;
      } else {
        const child = node.next?.get(part);
        if (child && this.#deleteWildcard(child, parts, i + 1)) {
          node.next?.delete(part);
          if (node.next?.size === 0) node.next = undefined;
        }
      }
    }
    return node.value === undefined && node.any === undefined && node.next === undefined;
  }

  /**
   * Every value whose pattern matches the concrete `uri` (what a broker
   * delivers to): exact first, then prefixes longest first, then wildcards.
   */
  matchAll(uri: string): T[] {
    const out: T[] = [];
    const exact = this.#exact.get(uri);
    if (exact !== undefined) out.push(exact);
    for (const { prefix, value } of this.#prefixList) if (uri.startsWith(prefix)) out.push(value);
    if (this.#wildcardRoots.size !== 0) {
      const parts = uri.split('.');
      const root = this.#wildcardRoots.get(parts.length);
      if (root) collect(root, parts, 0, out, false);
    }
    return out;
  }

  /**
   * The one value a dealer routes a CALL to, as crossbar picks it: exact, else
   * the longest prefix, else a wildcard. Among wildcards crossbar leaves the
   * choice open; we take the most specific (literal components win, left to right).
   */
  best(uri: string): T | undefined {
    const exact = this.#exact.get(uri);
    if (exact !== undefined) return exact;
    for (const { prefix, value } of this.#prefixList) if (uri.startsWith(prefix)) return value;
    if (this.#wildcardRoots.size === 0) return undefined;
    const parts = uri.split('.');
    const root = this.#wildcardRoots.get(parts.length);
    if (!root) return undefined;
    const out: T[] = [];
    collect(root, parts, 0, out, true);
    return out[0];
  }
}

/** Depth-first walk, literal child before the empty-component child. Returns true to stop (firstOnly). */
function collect<T>(node: WildcardNode<T>, parts: string[], i: number, out: T[], firstOnly: boolean): boolean {
  if (i === parts.length) {
    if (node.value === undefined) return false;
    out.push(node.value);
    return firstOnly;
  }
  const part = parts[i] as string;
  // A concrete URI never has empty components; one that does matches nothing.
  if (part === '') return false;
  const child = node.next?.get(part);
  if (child && collect(child, parts, i + 1, out, firstOnly)) return true;
  return node.any !== undefined && collect(node.any, parts, i + 1, out, firstOnly);
}
