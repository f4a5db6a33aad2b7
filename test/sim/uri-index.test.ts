import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UriIndex } from '../../sim/router/uri-index.ts';
import { uriMatches } from '../../src/wamp/uri-match.ts';
import type { MatchPolicy } from '../../src/wamp/session.ts';

describe('UriIndex', () => {
  it('finds exact, prefix and wildcard entries for a heartbeat topic', () => {
    const index = new UriIndex<string>();
    index.set('observatory.x.feeds.heartbeat', 'exact', 'exact');
    index.set('observatory.', 'prefix', 'prefix');
    index.set('observatory..feeds.heartbeat', 'wildcard', 'registry');
    index.set('observatory..feeds.', 'wildcard', 'aggregator');
    index.set('observatory...heartbeat', 'wildcard', 'other');
    assert.deepEqual(index.matchAll('observatory.x.feeds.heartbeat'), ['exact', 'prefix', 'registry', 'aggregator', 'other']);
    assert.deepEqual(index.matchAll('observatory.y.feeds.heartbeat'), ['prefix', 'registry', 'aggregator', 'other']);
    assert.deepEqual(index.matchAll('observatory.a.b.feeds.heartbeat'), ['prefix']);
    assert.deepEqual(index.matchAll('elsewhere.y.feeds.heartbeat'), []);
    assert.equal(index.size, 5);
  });

  it('best() prefers exact, then the longest prefix, then the most specific wildcard', () => {
    const index = new UriIndex<string>();
    index.set('a..c', 'wildcard', 'a..c');
    index.set('..c', 'wildcard', '..c');
    assert.equal(index.best('a.b.c'), 'a..c');
    assert.equal(index.best('z.b.c'), '..c');
    index.set('a.', 'prefix', 'a.');
    index.set('a.b', 'prefix', 'a.b');
    assert.equal(index.best('a.b.c'), 'a.b');
    assert.equal(index.best('a.x.c'), 'a.');
    index.set('a.b.c', 'exact', 'exact');
    assert.equal(index.best('a.b.c'), 'exact');
    assert.equal(index.best('q'), undefined);
  });

  it('get/set/delete per match policy, and deleting prunes the trie', () => {
    const index = new UriIndex<number>();
    index.set('a..c', 'wildcard', 1);
    index.set('a..d', 'wildcard', 2);
    index.set('a..c', 'prefix', 3);
    assert.equal(index.get('a..c', 'wildcard'), 1);
    assert.equal(index.get('a..c', 'prefix'), 3);
    assert.equal(index.get('a..c', 'exact'), undefined);
    assert.equal(index.delete('a..c', 'wildcard'), true);
    assert.equal(index.delete('a..c', 'wildcard'), false);
    assert.deepEqual(index.matchAll('a.b.c'), []);
    assert.deepEqual(index.matchAll('a.b.d'), [2]);
    assert.equal(index.delete('a..d', 'wildcard'), true);
    assert.equal(index.delete('a..c', 'prefix'), true);
    assert.equal(index.size, 0);
    assert.deepEqual(index.matchAll('a.b.d'), []);
  });

  it('replaces a value set twice', () => {
    const index = new UriIndex<number>();
    index.set('p.', 'prefix', 1);
    index.set('p.', 'prefix', 2);
    assert.deepEqual(index.matchAll('p.q'), [2]);
  });

  it('agrees with uriMatches on random patterns and URIs (property)', () => {
    const component = fc.constantFrom('a', 'b', 'obs', 'feeds', 'hb');
    const uri = fc.array(component, { minLength: 1, maxLength: 5 }).map((c) => c.join('.'));
    const pattern = fc.record({
      match: fc.constantFrom<MatchPolicy>('exact', 'prefix', 'wildcard'),
      parts: fc.array(fc.oneof(component, fc.constant('')), { minLength: 1, maxLength: 5 }),
    }).map(({ match, parts }) => ({
      match,
      // exact patterns need non-empty components; prefixes may also stop mid-component
      text: match === 'exact' ? parts.filter((p) => p !== '').join('.') || 'a' : parts.join('.'),
    }));
    fc.assert(fc.property(fc.array(pattern, { maxLength: 12 }), fc.array(uri, { minLength: 1, maxLength: 8 }), (patterns, uris) => {
      const index = new UriIndex<string>();
      const live = new Map<string, { text: string; match: MatchPolicy }>();
      for (const p of patterns) {
        const key = `${p.match} ${p.text}`;
        index.set(p.text, p.match, key);
        live.set(key, p);
      }
      // Remove every third one to exercise pruning.
      let n = 0;
      for (const [key, p] of [...live]) {
        if (n++ % 3 === 0) {
          index.delete(p.text, p.match);
          live.delete(key);
        }
      }
      for (const u of uris) {
        const expected = [...live].filter(([, p]) => uriMatches(p.text, p.match, u)).map(([key]) => key).sort();
        assert.deepEqual([...index.matchAll(u)].sort(), expected);
        const best = index.best(u);
        assert.equal(best === undefined, expected.length === 0);
      }
    }));
  });
});
