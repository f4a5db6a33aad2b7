import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import fc from 'fast-check';
import { type AgentChange, type IngestResult, Registry } from '../../src/core/registry.ts';
import type { RejectionReason } from '../../src/core/rejection.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

const T0 = 1_700_000_000.25;

function changed(result: IngestResult): AgentChange {
  if (!result || result.kind !== 'changed') assert.fail(`expected a change, got ${JSON.stringify(result)}`);
  return result;
}

/** What an OCS client receives: the JSON form of a table entry. */
function wire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function beat(registry: Registry, id: string, now: number, spec?: Parameters<typeof heartbeat>[1]): IngestResult {
  const [topic, args] = heartbeat(id, spec);
  return registry.ingest(topic, args, now);
}

describe('Registry: heartbeat ingest', () => {
  it('creates an agent on its first heartbeat, with the Python entry keys in order', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const c = changed(beat(registry, 'fake-data1', T0));
    assert.equal(c.joined, true);
    assert.equal(c.opsChanged, true);
    const entry = registry.table()['observatory.fake-data1'];
    assert.deepEqual(Object.keys(entry ?? {}), ['expired', 'time_expired', 'last_updated', 'op_codes', 'agent_class', 'agent_address']);
    assert.deepEqual(wire(entry), {
      expired: false,
      time_expired: null,
      last_updated: T0,
      op_codes: { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 },
      agent_class: 'FakeDataAgent',
      agent_address: 'observatory.fake-data1',
    });
  });

  it('only refreshes last_updated when nothing changed', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    assert.equal(beat(registry, 'a', T0 + 1), null);
    assert.equal(registry.get('observatory.a')?.last_updated, T0 + 1);
    assert.equal(registry.counters.heartbeats, 2);
  });

  it('reports a changed op code, with the new codes in the entry', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { ops: { acq: 1, count: 1 } });
    const c = changed(beat(registry, 'a', T0 + 1, { ops: { acq: 3, count: 1 } }));
    assert.equal(c.opsChanged, true);
    assert.equal(c.joined || c.revived || c.expired || c.restarted, false);
    assert.deepEqual(registry.table()['observatory.a']?.op_codes, { acq: 3, count: 1 });
  });

  it('keeps agent_class from the first heartbeat of a process', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { agentClass: 'FakeDataAgent' });
    beat(registry, 'a', T0 + 1, { agentClass: 'Other' });
    assert.equal(registry.table()['observatory.a']?.agent_class, 'FakeDataAgent');
  });

  it('accepts agents without agent_class (older agents) as null', () => {
    const registry = new Registry({ addressRoot: ROOT });
    changed(beat(registry, 'old', T0, { agentClass: null }));
    assert.equal(registry.table()['observatory.old']?.agent_class, null);
  });

  it('accepts an agent with no ops ({}) and reports no op change for it', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const c = changed(beat(registry, 'empty', T0, { ops: {} }));
    assert.equal(c.opsChanged, false);
    assert.deepEqual(registry.table()['observatory.empty']?.op_codes, {});
  });
});

describe('Registry: heartbeat interval statistics', () => {
  it('keeps the last interval and a smoothed mean and jitter, skipping time spent expired', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    const agent = registry.get('observatory.a')!;
    assert.ok(Number.isNaN(agent.meanInterval), 'unknown after one heartbeat');
    beat(registry, 'a', T0 + 1);
    assert.equal(agent.lastInterval, 1);
    assert.equal(agent.meanInterval, 1);
    assert.equal(agent.intervalJitter, 0);
    for (let i = 2; i <= 40; i++) beat(registry, 'a', T0 + i);
    beat(registry, 'a', T0 + 42); // one late beat
    assert.equal(agent.lastInterval, 2);
    assert.ok(agent.meanInterval > 1 && agent.meanInterval < 1.2, String(agent.meanInterval));
    assert.ok(agent.intervalJitter > 0 && agent.intervalJitter < 0.2, String(agent.intervalJitter));
    registry.expire(T0 + 100);
    beat(registry, 'a', T0 + 200); // revived: 158 s of silence is not an interval
    assert.equal(agent.lastInterval, 2);
    assert.ok(agent.meanInterval < 1.2);
  });
});

describe('Registry: expiry', () => {
  it('expires an agent silent for more than the timeout (strict >), stamping the moment once', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { ops: { acq: 3, count: 1 } });
    assert.equal(registry.expire(T0 + 5).length, 0, 'exactly the timeout is not expired');
    const [c] = registry.expire(T0 + 5.001);
    assert.ok(c);
    assert.equal(c.expired, true);
    const entry = registry.table()['observatory.a'];
    assert.equal(entry?.expired, true);
    assert.equal(entry?.time_expired, T0 + 5);
    assert.deepEqual(entry?.op_codes, { acq: 7, count: 7 });
    assert.equal(registry.expire(T0 + 60).length, 0, 'expired once, not on every sweep');
    assert.equal(registry.table()['observatory.a']?.time_expired, T0 + 5, 'not re-stamped');
    assert.equal(registry.expiredCount, 1);
  });

  it('honours a configured timeout', () => {
    const registry = new Registry({ addressRoot: ROOT, agentTimeout: 30 });
    beat(registry, 'a', T0);
    assert.equal(registry.expire(T0 + 29).length, 0);
    assert.equal(registry.expire(T0 + 31).length, 1);
  });

  it('a heartbeat pushes the deadline forward', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    beat(registry, 'a', T0 + 4);
    assert.equal(registry.expire(T0 + 8).length, 0);
    assert.equal(registry.expire(T0 + 9.5).length, 1);
  });

  it('revives an expired agent with its live codes', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { ops: { acq: 3 } });
    registry.expire(T0 + 6);
    const c = changed(beat(registry, 'a', T0 + 7, { ops: { acq: 3 } }));
    assert.equal(c.revived, true);
    assert.deepEqual(wire(registry.table()['observatory.a']), {
      expired: false,
      time_expired: null,
      last_updated: T0 + 7,
      op_codes: { acq: 3 },
      agent_class: 'FakeDataAgent',
      agent_address: 'observatory.a',
    });
    assert.equal(registry.expiredCount, 0);
    assert.equal(registry.counters.revived, 1);
  });

  it('only the silent agents expire', () => {
    const registry = new Registry({ addressRoot: ROOT });
    for (let i = 0; i < 100; i++) beat(registry, `a${i}`, T0);
    for (let i = 0; i < 100; i += 2) beat(registry, `a${i}`, T0 + 3);
    const expired = registry.expire(T0 + 6).map((c) => c.agent.address).sort();
    assert.deepEqual(expired, Array.from({ length: 50 }, (_, k) => `observatory.a${2 * k + 1}`).sort());
  });

  it('survives the clock going backwards and jumping far ahead', () => {
    const registry = new Registry({ addressRoot: ROOT });
    registry.expire(T0 + 100);
    beat(registry, 'a', T0); // older than the last sweep
    assert.equal(registry.expire(T0 + 100).length, 1);
    beat(registry, 'b', T0 + 100);
    assert.equal(registry.expire(T0 + 10_000).length, 1);
  });
});

describe("Registry: grace after the registry's own trouble", () => {
  it('gives every live agent a full timeout from now, and leaves expired ones and last_updated alone', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    beat(registry, 'gone', T0 - 10);
    registry.expire(T0);
    registry.grace(T0 + 4);
    assert.equal(registry.expire(T0 + 8.5).length, 0, 'a is not expired 8.5 s after its last beat');
    const [c] = registry.expire(T0 + 9.1);
    assert.equal(c?.agent.address, 'observatory.a');
    assert.equal(c?.agent.time_expired, T0 + 9, 'expired at the end of the grace');
    assert.equal(registry.get('observatory.a')?.last_updated, T0);
    assert.equal(registry.get('observatory.gone')?.expired, true);
  });

  it('never shortens a deadline', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0 + 3);
    registry.grace(T0);
    assert.equal(registry.expire(T0 + 7).length, 0);
    assert.equal(registry.expire(T0 + 8.1).length, 1);
  });
});

describe('Registry: deliberate fixes over Python', () => {
  it("never gives one agent another agent's op names, whatever characters the names hold", () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'x', T0, { ops: { 'acq\u0000count': 3 } });
    beat(registry, 'y', T0, { ops: { acq: 3, count: 5 } });
    assert.deepEqual(registry.get('observatory.x')?.opNames, ['acq\u0000count']);
    assert.deepEqual(registry.get('observatory.y')?.opNames, ['acq', 'count']);
    assert.deepEqual(registry.table()['observatory.y']?.op_codes, { acq: 3, count: 5 });
  });

  it('reports a vanished op once as EXPIRED, then forgets it (no ghost ops, no 1 Hz republish)', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { ops: { acq: 3, count: 1, old: 5 } });
    const c = changed(beat(registry, 'a', T0 + 1, { ops: { acq: 3, count: 1 } }));
    assert.deepEqual(c.vanishedOps, ['old']);
    assert.equal(registry.fieldName(c.agent, 'old'), 'observatory_a_old');
    assert.deepEqual(registry.table()['observatory.a']?.op_codes, { acq: 3, count: 1 });
    assert.equal(beat(registry, 'a', T0 + 2, { ops: { acq: 3, count: 1 } }), null);
  });

  it('detects an agent restart by its feed session_id and counts it', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0, { sessionId: '1700000000.1' });
    const c = changed(beat(registry, 'a', T0 + 1, { sessionId: '1700000099.9', agentClass: 'NewClass' }));
    assert.equal(c.restarted, true);
    assert.equal(c.opsChanged, false);
    assert.equal(registry.get('observatory.a')?.restarts, 1);
    assert.equal(registry.table()['observatory.a']?.agent_class, 'NewClass');
    assert.equal(beat(registry, 'a', T0 + 2, { sessionId: '1700000099.9', agentClass: 'NewClass' }), null);
  });

  it('detects two addresses that share field names and withholds the later one', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const first = changed(beat(registry, 'faker-1', T0, { ops: { acq: 1 } }));
    const second = changed(beat(registry, 'faker_1', T0, { ops: { acq: 1, count: 1 } }));
    assert.equal(first.collidesWith, null);
    assert.equal(second.collidesWith, 'observatory.faker-1');
    assert.equal(registry.fieldName(first.agent, 'acq'), 'observatory_faker_1_acq');
    assert.equal(registry.fieldName(second.agent, 'acq'), null);
    assert.equal(registry.fieldName(second.agent, 'count'), null);
    assert.deepEqual(registry.table()['observatory.faker_1']?.op_codes, { acq: 1, count: 1 }, 'still tracked');
    assert.equal(registry.counters.fieldCollisions, 1);
    assert.equal(changed(beat(registry, 'faker1', T0)).collidesWith, null, 'faker1 has other fields');
  });
});

describe('Registry: bad input changes nothing', () => {
  const address = 'observatory.x';
  const feed = { agent_address: address, session_id: '1', agent_class: 'C' };
  const topic = `${address}.feeds.heartbeat`;
  const cases: [RejectionReason, unknown, unknown][] = [
    ['malformed_event', topic, 'not an array'],
    ['malformed_event', topic, []],
    ['malformed_event', topic, [[{ acq: 1 }]]],
    ['malformed_event', topic, [[{ acq: 1 }, feed, 'extra']]],
    ['bad_op_codes', topic, [[0, feed]]],
    ['bad_op_codes', topic, [[[1, 2], feed]]],
    ['bad_op_codes', topic, [[null, feed]]],
    ['bad_op_code', topic, [[{ acq: 1.5 }, feed]]],
    ['bad_op_code', topic, [[{ acq: 0 }, feed]]],
    ['bad_op_code', topic, [[{ acq: 9 }, feed]]],
    ['bad_op_code', topic, [[{ acq: Number.NaN }, feed]]],
    ['bad_op_code', topic, [[{ acq: '3' }, feed]]],
    ['bad_op_name', topic, [[{ '': 1 }, feed]]],
    ['bad_op_name', topic, [[{ ['x'.repeat(256)]: 1 }, feed]]],
    ['bad_op_name', topic, [[JSON.parse('{"__proto__": 1}'), feed]]],
    ['too_many_ops', topic, [[Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`op${i}`, 1])), feed]]],
    ['bad_feed', topic, [[{}, null]]],
    ['bad_feed', topic, [[{}, { agent_address: 42 }]]],
    ['bad_feed', topic, [[{}, { ...feed, agent_class: 7 }]]],
    ['bad_feed', topic, [[{}, { ...feed, session_id: 1.5 }]]],
    ['bad_feed', topic, [[{}, { ...feed, agent_class: 'C'.repeat(256) }]]],
    ['topic_mismatch', 'observatory.y.feeds.heartbeat', [[{}, feed]]],
    ['topic_mismatch', undefined, [[{}, feed]]],
    ['bad_address', 'observatory.a.b.feeds.heartbeat', [[{}, { agent_address: 'observatory.a.b' }]]],
    ['bad_address', 'elsewhere.a.feeds.heartbeat', [[{}, { agent_address: 'elsewhere.a' }]]],
    ['bad_address', 'observatory..feeds.heartbeat', [[{}, { agent_address: 'observatory.' }]]],
    ['bad_address', `observatory.${'a'.repeat(250)}.feeds.heartbeat`, [[{}, { agent_address: `observatory.${'a'.repeat(250)}` }]]],
  ];
  for (const [reason, badTopic, args] of cases) {
    it(`refuses ${reason}: ${JSON.stringify(args)?.slice(0, 60)}`, () => {
      const registry = new Registry({ addressRoot: ROOT });
      beat(registry, 'x', T0, { ops: { acq: 3 } });
      const before = JSON.stringify(registry.table());
      const result = registry.ingest(badTopic, args, T0 + 1);
      if (!result || result.kind !== 'rejected') assert.fail(`expected a rejection, got ${JSON.stringify(result)}`);
      assert.equal(result.reason, reason);
      assert.ok(result.detail.length > 0);
      assert.equal(JSON.stringify(registry.table()), before);
      assert.equal(registry.counters.rejected[reason], 1);
      assert.equal(registry.counters.heartbeats, 1);
    });
  }

  it("refuses a feed that disagrees with a known agent's topic (spoofing)", () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'x', T0);
    beat(registry, 'y', T0);
    const [, args] = heartbeat('y');
    for (const topic of ['observatory.x.feeds.heartbeat', 'observatory.x.feeds.heartbeat'.replace('x', 'xy')]) {
      const result = registry.ingest(topic, args, T0 + 1);
      assert.equal(result?.kind === 'rejected' && result.reason, 'topic_mismatch', topic);
    }
    const [, short] = heartbeat('x');
    assert.equal(registry.ingest('observatory.xx.feeds.heartbeat', short, T0 + 1)?.kind, 'rejected');
    assert.equal(registry.get('observatory.x')?.last_updated, T0);
    assert.equal(registry.get('observatory.y')?.last_updated, T0);
  });

  it('refuses new addresses when full, while known agents keep working', () => {
    const registry = new Registry({ addressRoot: ROOT, maxAgents: 2 });
    beat(registry, 'a', T0);
    beat(registry, 'b', T0);
    const refused = beat(registry, 'c', T0);
    assert.equal(refused?.kind, 'rejected');
    assert.equal(refused?.kind === 'rejected' && refused.reason, 'registry_full');
    assert.equal(registry.size, 2);
    assert.equal(beat(registry, 'a', T0 + 1), null);
    assert.equal(registry.counters.rejected.registry_full, 1);
  });
});

describe('Registry: the status table', () => {
  it('is one cached object, kept current in place and JSON-safe', () => {
    const registry = new Registry({ addressRoot: ROOT });
    beat(registry, 'a', T0);
    const table = registry.table();
    beat(registry, 'a', T0 + 1, { ops: { acq: 3 } });
    beat(registry, 'b', T0 + 1);
    assert.equal(registry.table(), table);
    assert.deepEqual(Object.keys(table), ['observatory.a', 'observatory.b']);
    assert.equal(table['observatory.a']?.last_updated, T0 + 1);
    assert.deepEqual(Object.keys(wire(table) as object), ['observatory.a', 'observatory.b']);
    assert.equal(JSON.stringify(wire(table)), JSON.stringify(table), 'JSON round trip is lossless');
    assert.deepEqual(
      Object.keys(table['observatory.a'] ?? {}),
      ['expired', 'time_expired', 'last_updated', 'op_codes', 'agent_class', 'agent_address'],
      'only the Python keys are own properties',
    );
  });

  it('matches the Python unit tests (tests/agents/test_registry_agent.py)', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const feed = {
      agent_address: 'observatory.test_agent',
      agg_params: {},
      feed_name: 'heartbeat',
      address: 'observatory.test_agent.feeds.heartbeat',
      record: false,
      session_id: 'x',
    };
    registry.ingest('observatory.test_agent.feeds.heartbeat', [[{ operation1: 5, operation2: 1 }, feed]], T0);
    registry.expire(T0 + 1);
    const fresh = registry.table()['observatory.test_agent'];
    assert.equal(fresh?.expired, false);
    assert.equal(fresh?.time_expired, null);
    assert.deepEqual(fresh?.op_codes, { operation1: 5, operation2: 1 });
    registry.expire(T0 + 6);
    const stale = registry.table()['observatory.test_agent'];
    assert.equal(stale?.expired, true);
    assert.notEqual(stale?.time_expired, null);
    assert.deepEqual(stale?.op_codes, { operation1: 7, operation2: 7 });
  });
});

describe('Registry: room for real agents in a full table', () => {
  it('forgets the agent expired longest to let a new one in; live agents are never forgotten', () => {
    const registry = new Registry({ addressRoot: ROOT, maxAgents: 3 });
    beat(registry, 'flood-1', T0);
    beat(registry, 'flood-2', T0 + 1);
    beat(registry, 'live', T0 + 1);
    assert.equal(beat(registry, 'late', T0 + 2)?.kind, 'rejected', 'full of live agents: refused');
    beat(registry, 'live', T0 + 5);
    registry.expire(T0 + 7); // the flood's two entries expired at T0+5 and T0+6
    const joined = beat(registry, 'real', T0 + 8);
    assert.equal(joined?.kind, 'changed');
    assert.equal(joined?.kind === 'changed' && joined.forgot?.agent_address, 'observatory.flood-1', 'the one expired longest');
    assert.deepEqual(Object.keys(registry.table()).sort(), ['observatory.flood-2', 'observatory.live', 'observatory.real']);
    assert.equal(registry.get('observatory.flood-1'), undefined);
    assert.equal(registry.get('observatory.real')?.agent_address, 'observatory.real');
    assert.equal(registry.size, 3);
    assert.equal(registry.expiredCount, 1);
    assert.equal(registry.counters.forgotten, 1);
    // The forgotten agent comes back as a new agent, forgetting the next one; its field prefix is free again.
    const back = beat(registry, 'flood-1', T0 + 9);
    assert.equal(back?.kind === 'changed' && back.joined && back.forgot?.agent_address, 'observatory.flood-2');
    assert.equal(back?.kind === 'changed' && back.collidesWith, null);
    assert.equal(beat(registry, 'another', T0 + 9)?.kind, 'rejected', 'nobody expired: refused');
    // Everyone in the table still expires and is found by address.
    assert.equal(registry.expire(T0 + 20).length, 3);
    for (const address of Object.keys(registry.table())) assert.equal(registry.get(address)?.agent_address, address);
  });

  it('a revived agent is not forgotten for its old expiry', () => {
    const registry = new Registry({ addressRoot: ROOT, maxAgents: 2 });
    beat(registry, 'a', T0);
    beat(registry, 'b', T0 + 1);
    registry.expire(T0 + 7);
    beat(registry, 'a', T0 + 8); // revived
    const joined = beat(registry, 'c', T0 + 8);
    assert.equal(joined?.kind === 'changed' && joined.forgot?.agent_address, 'observatory.b');
    assert.equal(registry.get('observatory.a')?.expired, false);
  });
});

describe('Registry: a full table under random joins, expiries and revivals (property)', () => {
  it('keeps table, index and counts consistent; refuses only when nobody is expired', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`full-table property: seed ${seed} (replay with FC_SEED=${seed})`);
    const step = fc.oneof(
      fc.record({ beat: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ advance: fc.integer({ min: 1, max: 16 }).map((k) => k * 0.5) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const registry = new Registry({ addressRoot: ROOT, maxAgents: 4 });
        let now = T0;
        for (const s of steps) {
          if ('advance' in s) {
            now += s.advance;
            registry.expire(now);
          } else {
            const anyExpired = registry.agents().some((a) => a.expired);
            const known = registry.get(`${ROOT}.a${s.beat}`) !== undefined;
            const result = beat(registry, `a${s.beat}`, now);
            if (result?.kind === 'rejected') {
              assert.equal(result.reason, 'registry_full');
              assert.ok(!known && !anyExpired, 'refused only when full of live agents');
            }
          }
          const agents = registry.agents();
          assert.ok(agents.length <= 4);
          assert.deepEqual(Object.keys(registry.table()).sort(), agents.map((a) => a.agent_address).sort());
          agents.forEach((a, i) => {
            assert.equal(a.index, i);
            assert.equal(registry.get(a.agent_address), a);
          });
          assert.equal(registry.expiredCount, agents.filter((a) => a.expired).length);
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('Registry: session ids kept as numbers when they are one', () => {
  it('gives back every session_id exactly, numeric (str(time.time())) or not, and across a forget that moves an agent', () => {
    const ids = ['1669925713.4082503', '1700000000.1', '1700000000.10', '1.50', '-0', '0x10', ' 1', '', 'NaN', 'Infinity', '1e21', 'abc', '1e+21', '007'];
    const registry = new Registry({ addressRoot: ROOT, forgetAfter: 1 });
    beat(registry, 'first', T0);
    ids.forEach((sessionId, i) => beat(registry, `a${i}`, T0 + 5, { sessionId }));
    ids.forEach((sessionId, i) => assert.equal(registry.get(`${ROOT}.a${i}`)?.sessionId, sessionId, JSON.stringify(sessionId)));
    registry.expire(T0 + 6.5); // 'first' is forgotten; the last agent moves into its slot
    ids.forEach((sessionId, i) => assert.equal(registry.get(`${ROOT}.a${i}`)?.sessionId, sessionId, `${JSON.stringify(sessionId)} after the move`));
    // A restart is still told by the id, numeric ones included.
    assert.equal(changed(beat(registry, 'a0', T0 + 7, { sessionId: '1669925713.4082504' })).restarted, true);
    assert.equal(beat(registry, 'a1', T0 + 7, { sessionId: '1700000000.1' }), null, 'same id: no change');
  });
});
