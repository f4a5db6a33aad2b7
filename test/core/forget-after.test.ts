// --forget-after (issue 10): an agent expired for more than that many seconds
// of listening time is forgotten, and the table stays dense (swap-remove):
// the agent moved into the freed slot keeps all its state.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type IngestResult, Registry } from '../../src/core/registry.ts';
import { readSavedState, savedStateText } from '../../src/core/saved-state.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

const T0 = 1_700_000_000.25;

function beat(registry: Registry, id: string, now: number, spec?: Parameters<typeof heartbeat>[1]): IngestResult {
  const [topic, args] = heartbeat(id, spec);
  const result = registry.ingest(topic, args, now);
  if (result?.kind === 'rejected') assert.fail(result.detail);
  return result;
}

function forgotten(registry: Registry, now: number): string[] {
  return registry.expire(now).filter((c) => c.forgotten).map((c) => c.agent.agent_address);
}

describe('Registry: --forget-after', () => {
  it('forgets an agent expired for more than forget-after seconds, once, and counts it', () => {
    const registry = new Registry({ addressRoot: ROOT, forgetAfter: 10 });
    beat(registry, 'gone', T0);
    beat(registry, 'live', T0);
    for (let t = 1; t <= 15; t++) {
      beat(registry, 'live', T0 + t);
      assert.deepEqual(forgotten(registry, T0 + t), [], 'expired at T0 + 5, not more than 10 s ago');
    }
    assert.equal(registry.get(`${ROOT}.gone`)?.expired, true);
    const gone = registry.get(`${ROOT}.gone`);
    assert.deepEqual(forgotten(registry, T0 + 15.125), [`${ROOT}.gone`]);
    assert.equal(gone?.forgotten, true);
    assert.equal(gone?.index, -1);
    assert.deepEqual(forgotten(registry, T0 + 30), [], 'forgotten once');
    assert.equal(registry.get(`${ROOT}.gone`), undefined);
    assert.deepEqual(Object.keys(registry.table()), [`${ROOT}.live`]);
    assert.deepEqual(registry.agents().map((a) => a.agent_address), [`${ROOT}.live`]);
    assert.equal(registry.counters.forgotten, 1);
    assert.equal(registry.expiredCount, 1, 'live expired at T0 + 20 meanwhile, not more than 10 s ago');
  });

  it('keeps the moved agent whole: its state, its deadline and its place in session.data', () => {
    const registry = new Registry({ addressRoot: ROOT, forgetAfter: 1, flapping: { limit: 1, window: 600 } });
    beat(registry, 'first', T0); // slot 0, forgotten below
    beat(registry, 'middle', T0);
    beat(registry, 'last', T0, { sessionId: 's1' }); // slot 2, moves into slot 0
    beat(registry, 'last', T0 + 1, { sessionId: 's2' }); // a restart
    beat(registry, 'last', T0 + 2, { sessionId: 's3' }); // another: flapping
    const last = registry.get(`${ROOT}.last`);
    assert.ok(last);
    assert.equal(last.flapping, true);
    for (let t = 3; t <= 6; t++) {
      beat(registry, 'middle', T0 + t);
      beat(registry, 'last', T0 + t, { sessionId: 's3' });
    }
    assert.equal(registry.suspect(`${ROOT}.last`, T0 + 6)?.suspected, true);
    const before = { ...JSON.parse(JSON.stringify(last)), restarts: last.restarts, sessionId: last.sessionId, mean: last.meanInterval };
    // 'first' expired at T0 + 5: forgotten after T0 + 6.
    assert.deepEqual(forgotten(registry, T0 + 6.5), [`${ROOT}.first`]);
    assert.equal(last.index, 0, 'the last agent took the freed slot');
    assert.deepEqual(registry.agents().map((a) => a.index), [0, 1]);
    assert.equal(registry.get(`${ROOT}.last`), last);
    const after = { ...JSON.parse(JSON.stringify(last)), restarts: last.restarts, sessionId: last.sessionId, mean: last.meanInterval };
    assert.deepEqual(after, before);
    assert.equal(last.suspect, 'left');
    assert.equal(last.flapping, true);
    assert.equal(registry.flappingCount, 1);
    assert.equal(registry.suspectCount, 1);
    assert.deepEqual(Object.keys(registry.table()), [`${ROOT}.middle`, `${ROOT}.last`], 'session.data keeps join order');
    // Its wheel entry moved with it: it still expires at its own deadline, not before.
    beat(registry, 'middle', T0 + 11);
    assert.deepEqual(registry.expire(T0 + 11).filter((c) => c.expired), [], 'silent for exactly its timeout: not yet');
    assert.deepEqual(registry.expire(T0 + 11.5).filter((c) => c.expired).map((c) => c.agent.agent_address), [`${ROOT}.last`]);
    assert.equal(last.time_expired, T0 + 11);
  });

  it('joins a forgotten agent afresh on its next heartbeat', () => {
    const registry = new Registry({ addressRoot: ROOT, forgetAfter: 2 });
    beat(registry, 'a', T0, { sessionId: 's1' });
    beat(registry, 'a', T0 + 1, { sessionId: 's2' });
    assert.deepEqual(forgotten(registry, T0 + 8.5), [`${ROOT}.a`]);
    const back = beat(registry, 'a', T0 + 9, { sessionId: 's2' });
    assert.equal(back?.kind === 'changed' && back.joined, true, 'a new agent, not a revival');
    assert.equal(registry.get(`${ROOT}.a`)?.restarts, 0);
    assert.equal(registry.get(`${ROOT}.a`)?.firstSeen, T0 + 9);
    assert.equal(registry.counters.joined, 2);
  });

  it('counts only time the registry listened', () => {
    const registry = new Registry({ addressRoot: ROOT, forgetAfter: 10 });
    beat(registry, 'a', T0);
    registry.expire(T0 + 6); // expired at T0 + 5
    registry.deafFrom(T0 + 6);
    assert.deepEqual(forgotten(registry, T0 + 100), [], 'nothing while deaf');
    registry.listenFrom(T0 + 100);
    assert.deepEqual(forgotten(registry, T0 + 104.5), [], '1 s before the outage + 4.5 s after it');
    assert.deepEqual(forgotten(registry, T0 + 109.5), [`${ROOT}.a`]);
  });

  it('is off by default, as in Python, and refuses a bad value', () => {
    const registry = new Registry({ addressRoot: ROOT });
    assert.equal(registry.forgetAfter, Number.POSITIVE_INFINITY);
    beat(registry, 'a', T0);
    assert.deepEqual(forgotten(registry, T0 + 1e6), []);
    assert.equal(registry.get(`${ROOT}.a`)?.expired, true);
    for (const bad of [0, -1, Number.NaN]) assert.throws(() => new Registry({ addressRoot: ROOT, forgetAfter: bad }), RangeError);
  });

  it('counts the downtime for agents a saved state shows expired, as for their expiry', () => {
    const before = new Registry({ addressRoot: ROOT });
    beat(before, 'old', T0);
    beat(before, 'recent', T0 + 20);
    before.expire(T0 + 26); // old expired at T0 + 5, recent at T0 + 25
    const state = readSavedState(JSON.parse(savedStateText(before.agents(), T0 + 26, ROOT, 5)), { addressRoot: ROOT, maxAgents: 10, maxNameLength: 255 });
    if (typeof state === 'string') assert.fail(state);
    const after = new Registry({ addressRoot: ROOT, forgetAfter: 30 });
    assert.ok(after.restore(state, T0 + 40).ok);
    assert.deepEqual(forgotten(after, T0 + 40), [`${ROOT}.old`], 'expired 35 s ago');
    assert.deepEqual(forgotten(after, T0 + 55.5), [`${ROOT}.recent`]);
    assert.equal(after.size, 0);
  });
});
