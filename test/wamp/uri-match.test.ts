import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidPattern, isValidUri, uriMatches } from '../../src/wamp/uri-match.ts';
import type { MatchPolicy } from '../../src/wamp/session.ts';

// [pattern, match, uri, expected] — docs/ocs-protocol.md §1.5.
const RULES: Array<[string, MatchPolicy, string, boolean]> = [
  ['observatory.registry', 'exact', 'observatory.registry', true],
  ['observatory.registry', 'exact', 'observatory.registry.ops', false],
  ['observatory.registry', 'exact', 'observatory', false],
  ['observatory.', 'prefix', 'observatory.anything.at.all', true],
  ['observatory.', 'prefix', 'observatory.', true],
  ['observatory.', 'prefix', 'observatoryX.a', false],
  ['observatory', 'prefix', 'observatoryX', true], // plain string prefix, no component boundary
  ['', 'prefix', 'anything', true],
  ['observatory..feeds.heartbeat', 'wildcard', 'observatory.fake-data1.feeds.heartbeat', true],
  ['observatory..feeds.heartbeat', 'wildcard', 'observatory.registry.feeds.heartbeat', true],
  ['observatory..feeds.heartbeat', 'wildcard', 'observatory.a.b.feeds.heartbeat', false], // 5 components
  ['observatory..feeds.heartbeat', 'wildcard', 'observatory.feeds.heartbeat', false], // 3 components
  ['observatory..feeds.heartbeat', 'wildcard', 'observatory.x.feeds.other', false],
  ['observatory..feeds.heartbeat', 'wildcard', 'other.x.feeds.heartbeat', false],
  ['observatory..feeds.', 'wildcard', 'observatory.x.feeds.heartbeat', true],
  ['observatory..feeds.', 'wildcard', 'observatory.x.feeds.temps', true],
  ['observatory..feeds.', 'wildcard', 'observatory.x.feeds.a.b', false],
  ['observatory..feeds.', 'wildcard', 'observatory.x.feeds', false],
  ['..', 'wildcard', 'a.b.c', true],
  ['a.b', 'wildcard', 'a.b', true], // no empty component: like exact
  ['a..c', 'wildcard', 'a..c', false], // an empty component only matches a non-empty one
];

describe('uriMatches (crossbar exact / prefix / wildcard)', () => {
  for (const [pattern, match, uri, expected] of RULES) {
    it(`${match} '${pattern}' ${expected ? 'matches' : 'does not match'} '${uri}'`, () => {
      assert.equal(uriMatches(pattern, match, uri), expected);
    });
  }
});

describe('URI validation (crossbar loose rules)', () => {
  it('accepts concrete URIs with any non-space, non-dot, non-# characters', () => {
    for (const uri of ['observatory.fake-data1.feeds.heartbeat', 'a', 'A.B-c_d.1', 'wamp.session.count', 'ü.x']) {
      assert.equal(isValidUri(uri), true, uri);
    }
  });
  it('rejects empty components, whitespace and #', () => {
    for (const uri of ['', '.', 'a.', '.a', 'a..b', 'a b', 'a.b\tc', 'a#b', 'a.\n']) {
      assert.equal(isValidUri(uri), false, JSON.stringify(uri));
    }
  });
  it('allows empty components in wildcard patterns only', () => {
    assert.equal(isValidPattern('observatory..feeds.heartbeat', 'wildcard'), true);
    assert.equal(isValidPattern('observatory..feeds.', 'wildcard'), true);
    assert.equal(isValidPattern('observatory..feeds.heartbeat', 'exact'), false);
    assert.equal(isValidPattern('observatory..feeds.heartbeat', 'prefix'), false);
    assert.equal(isValidPattern('a b..c', 'wildcard'), false);
  });
  it('allows an empty last component in prefix patterns', () => {
    assert.equal(isValidPattern('observatory.', 'prefix'), true);
    assert.equal(isValidPattern('observatory.', 'exact'), false);
    assert.equal(isValidPattern('a..b.', 'prefix'), false);
  });
});
