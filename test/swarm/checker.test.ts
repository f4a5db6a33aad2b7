// The checker against hand-made registry views: a correct view passes, and
// each kind of wrong view is reported as a mismatch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckedSwarm, Checker } from '../../sim/swarm/checker.ts';
import { GroundTruth } from '../../sim/swarm/truth.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = 1_700_000_000;

function fakeSwarm(n: number): CheckedSwarm {
  const truth = new GroundTruth();
  const addresses = Array.from({ length: n }, (_, i) => `observatory.agent-${i}`);
  return {
    truth,
    size: n,
    indexOfAddress: (a) => {
      const i = addresses.indexOf(a);
      return i < 0 ? undefined : i;
    },
    address: (i) => addresses[i]!,
    opNamesOf: () => ['acq', 'count'],
  };
}

function checker(swarm: CheckedSwarm) {
  return new Checker(swarm, { clock: new FakeClock(T0), registry: 'observatory.registry', timeout: 5, tolerance: 2, staleness: 0.5, poll: 0 });
}

/** Every agent beats each second from T0 to `until`, except member 0, which goes silent at `silentAt`. */
function beat(swarm: CheckedSwarm, until: number, silentAt: number | null) {
  for (let t = T0; t <= until; t += 1) {
    for (let i = 0; i < swarm.size; i++) {
      if (i === 0 && silentAt !== null && t > silentAt) continue;
      swarm.truth.beat(i, t, 0);
    }
    if (silentAt !== null && t === silentAt) swarm.truth.silence(0, 'crash');
  }
}

const table = (expired: boolean[]) => Object.fromEntries(expired.map((e, i) => [`observatory.agent-${i}`, { expired: e }]));

/** An agent_operations event for one op of one agent. */
const feed = (i: number, op: string, code: number) => {
  const field = `observatory_agent_${i}_${op}`;
  return [[{ [field]: { block_name: field, data: { [field]: [code] }, timestamps: [T0] } }, {}]];
};

describe('registry view checker', () => {
  it('passes a correct view: the crashed agent expired on time, the others alive', () => {
    const swarm = fakeSwarm(3);
    const c = checker(swarm);
    beat(swarm, T0 + 10, T0 + 2);
    c.observeTable(table([false, false, false]), T0 + 6.5);
    c.observeTable(table([true, false, false]), T0 + 7.5);
    assert.deepEqual(c.check(T0 + 12), []);
    assert.equal(c.stats.expiriesSeen, 1);
  });

  it('reports a crashed agent never shown expired', () => {
    const swarm = fakeSwarm(3);
    const c = checker(swarm);
    beat(swarm, T0 + 10, T0 + 2);
    c.observeTable(table([false, false, false]), T0 + 8);
    assert.deepEqual(c.check(T0 + 8.9), [], 'not yet due at last beat + 7 s');
    const found = c.check(T0 + 9.1);
    assert.deepEqual(found.map((m) => [m.kind, m.address]), [['missed-expiry', 'observatory.agent-0']]);
  });

  it('reports an expiry seen too late', () => {
    const swarm = fakeSwarm(1);
    const c = checker(swarm);
    beat(swarm, T0 + 12, T0 + 2);
    c.observeTable(table([true]), T0 + 10);
    assert.deepEqual(c.check(T0 + 12).map((m) => m.kind), ['late-expiry']);
  });

  it('reports a live agent shown expired, on the table or on the feed', () => {
    const swarm = fakeSwarm(3);
    const c = checker(swarm);
    beat(swarm, T0 + 10, null);
    c.observeTable(table([false, true, false]), T0 + 8);
    c.observeFeed(feed(2, 'acq', 7), T0 + 9);
    assert.deepEqual(c.mismatches.map((m) => [m.kind, m.address]), [
      ['false-expiry', 'observatory.agent-1'],
      ['false-expiry', 'observatory.agent-2'],
    ]);
  });

  it('reports an agent still shown expired after its heartbeats resumed', () => {
    const swarm = fakeSwarm(1);
    const c = checker(swarm);
    beat(swarm, T0 + 10, T0 + 2);
    c.observeTable(table([true]), T0 + 8);
    swarm.truth.beat(0, T0 + 11, 0); // back
    c.observeTable(table([true]), T0 + 11.3);
    assert.equal(c.mismatches.length, 0, 'within the allowed staleness');
    c.observeTable(table([true]), T0 + 12);
    assert.deepEqual(c.mismatches.map((m) => m.kind), ['false-expiry']);
  });

  it('reports an op change the feed never showed, and accepts one it showed', () => {
    const swarm = fakeSwarm(2);
    const c = checker(swarm);
    swarm.truth.opChangeSent('observatory_agent_0_acq', { member: 0, opName: 'acq', code: 3, sentAt: T0 + 1 });
    swarm.truth.opChangeSent('observatory_agent_1_count', { member: 1, opName: 'count', code: 5, sentAt: T0 + 1 });
    c.observeFeed(feed(0, 'acq', 3), T0 + 1.01);
    c.observeFeed(feed(1, 'count', 6), T0 + 1.01); // the wrong code
    const found = c.check(T0 + 4);
    assert.deepEqual(found.map((m) => [m.kind, m.address]), [['op-change-not-seen', 'observatory.agent-1']]);
    assert.equal(c.stats.opChangesSeen, 1);
    assert.equal(c.opChangeLag.count, 1);
    assert.ok(Math.abs(c.opChangeLag.summary().max - 10_000) < 200, `lag ${c.opChangeLag.summary().max} µs, sent 10 ms before seen`);
  });

  it('times how long after the timeout an expiry was seen', () => {
    const swarm = fakeSwarm(2);
    const c = checker(swarm);
    beat(swarm, T0 + 12, T0 + 2);
    c.observeTable(table([true, false]), T0 + 7.75); // last beat at T0 + 2, timeout 5 s: 0.75 s late
    assert.equal(c.expiryLag.count, 1);
    assert.ok(Math.abs(c.expiryLag.summary().max - 750_000) < 10_000, `${c.expiryLag.summary().max} µs`);
  });
});
