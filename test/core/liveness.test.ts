// Suspect, flapping and per-class timeouts: what the registry tells beyond
// alive/expired, which OCS's own table never shows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type IngestResult, Registry } from '../../src/core/registry.ts';
import { FlapDetector } from '../../src/core/flapping.ts';
import { floatTime } from '../../src/core/clock.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

const T0 = 1_700_000_000;

function beat(registry: Registry, id: string, now: number, spec?: Parameters<typeof heartbeat>[1]): IngestResult {
  return registry.ingest(...heartbeat(id, spec), now);
}

describe('Registry: suspect', () => {
  it('marks an agent late by more than 2 of its intervals suspect, before it expires; a heartbeat clears it', () => {
    const registry = new Registry({ addressRoot: ROOT });
    for (let i = 0; i <= 5; i++) beat(registry, 'a', T0 + i);
    const table = JSON.stringify(registry.table());
    assert.equal(registry.expire(T0 + 8).length, 0, 'silent 3 intervals: not yet');
    const [c] = registry.expire(T0 + 8.1);
    assert.equal(c?.suspected, true);
    const agent = registry.get(`${ROOT}.a`);
    assert.equal(agent?.suspect, 'late');
    assert.equal(agent?.suspectSince, T0 + 8);
    assert.equal(registry.suspectCount, 1);
    assert.equal(JSON.stringify(registry.table()), table, 'session.data does not show it');
    const cleared = beat(registry, 'a', T0 + 9);
    assert.equal(cleared?.kind === 'changed' && cleared.unsuspected, true);
    assert.equal(agent?.suspect, null);
    assert.equal(registry.suspectCount, 0);
  });

  it('expires a suspect agent at its timeout as before, clearing suspect', () => {
    const registry = new Registry({ addressRoot: ROOT });
    for (let i = 0; i <= 5; i++) beat(registry, 'a', T0 + i);
    registry.expire(T0 + 8.5);
    const [c] = registry.expire(T0 + 10.1);
    assert.equal(c?.expired, true);
    assert.equal(c?.unsuspected, true);
    assert.equal(registry.table()[`${ROOT}.a`]?.time_expired, floatTime(T0 + 10));
    assert.equal(registry.suspectCount, 0);
  });

  it('never suspects an agent with one heartbeat, nor before suspectMinSeconds', () => {
    const registry = new Registry({ addressRoot: ROOT, suspectMinSeconds: 2 });
    beat(registry, 'once', T0);
    for (let i = 0; i <= 10; i++) beat(registry, 'fast', T0 + i * 0.1);
    assert.equal(registry.expire(T0 + 2.9).length, 0, 'fast: 0.3 s would be 3 intervals, but the floor is 2 s');
    assert.deepEqual(registry.expire(T0 + 3.1).map((c) => [c.agent.address, c.suspected]), [[`${ROOT}.fast`, true]]);
    assert.equal(registry.get(`${ROOT}.once`)?.suspect, null);
  });

  it('makes an agent whose session left suspect at once; it still expires only at its timeout', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    const c = registry.suspect(`${ROOT}.a`, T0 + 0.5);
    assert.equal(c?.suspected, true);
    assert.equal(registry.get(`${ROOT}.a`)?.suspect, 'left');
    assert.equal(registry.suspect(`${ROOT}.a`, T0 + 0.6), null, 'once');
    assert.equal(registry.suspect(`${ROOT}.nobody`, T0), null);
    assert.equal(registry.expire(T0 + 5).length, 0);
    assert.equal(registry.expire(T0 + 5.1)[0]?.expired, true);
  });
});

describe('Registry: per-class timeouts', () => {
  it("expires each agent at its class's timeout, exactly, in session.data", () => {
    const registry = new Registry({ addressRoot: ROOT, classTimeouts: { AggregatorAgent: 30 } });
    beat(registry, 'agg', T0, { agentClass: 'AggregatorAgent' });
    beat(registry, 'fake', T0);
    assert.deepEqual(registry.expire(T0 + 5.1).map((c) => c.agent.address), [`${ROOT}.fake`]);
    assert.equal(registry.expire(T0 + 30).length, 0);
    assert.deepEqual(registry.expire(T0 + 30.1).map((c) => c.agent.address), [`${ROOT}.agg`]);
    assert.equal(registry.table()[`${ROOT}.agg`]?.time_expired, floatTime(T0 + 30));
    assert.equal(registry.get(`${ROOT}.agg`)?.timeout, 30);
  });

  it('takes the new class timeout when a restart changes the class', () => {
    const registry = new Registry({ addressRoot: ROOT, classTimeouts: { AggregatorAgent: 30 } });
    beat(registry, 'x', T0, { agentClass: 'FakeDataAgent', sessionId: 's1' });
    beat(registry, 'x', T0 + 1, { agentClass: 'AggregatorAgent', sessionId: 's2' });
    assert.equal(registry.expire(T0 + 20).filter((c) => c.expired).length, 0);
    assert.equal(registry.get(`${ROOT}.x`)?.timeout, 30);
  });

  it('refuses a timeout that is not positive', () => {
    assert.throws(() => new Registry({ addressRoot: ROOT, classTimeouts: { A: 0 } }), /Timeout of agent class "A" must be positive/);
  });
});

describe('Registry: flapping', () => {
  it('flags an agent revived or restarted more than N times in M seconds, with the reason, then settles', () => {
    const registry = new Registry({ addressRoot: ROOT, flapping: { limit: 2, window: 60 } });
    let t = T0;
    beat(registry, 'a', t, { sessionId: 's0' });
    const flagged: boolean[] = [];
    for (let i = 1; i <= 3; i++) {
      registry.expire(t += 6);
      const c = beat(registry, 'a', t += 1, { sessionId: i === 3 ? 'new' : 's0' });
      flagged.push(c?.kind === 'changed' && c.startedFlapping);
    }
    assert.deepEqual(flagged, [false, false, true]);
    const agent = registry.get(`${ROOT}.a`);
    assert.equal(agent?.flapping, true);
    assert.equal(agent?.flapReason, '3 revivals in 60 s');
    assert.equal(registry.flappingCount, 1);
    beat(registry, 'a', t + 30);
    assert.equal(registry.expire(t + 31).some((c) => c.stoppedFlapping), false, 'still within the window');
    beat(registry, 'a', t + 34);
    beat(registry, 'a', t + 38);
    assert.equal(registry.expire(t + 39).some((c) => c.stoppedFlapping), false, 'two transitions left in the window: more than half the limit');
    for (let s = 42; s <= 60; s += 3) beat(registry, 'a', t + s);
    const settled = registry.expire(t + 61).filter((c) => c.stoppedFlapping);
    assert.equal(settled.length, 1);
    assert.equal(agent?.flapping, false);
    assert.equal(agent?.flapReason, null);
  });

  it('refuses a bad rule', () => {
    assert.throws(() => new FlapDetector({ limit: 0, window: 60 }), /positive integer/);
    assert.throws(() => new FlapDetector({ limit: 2, window: 0 }), /window must be positive/);
  });
});
