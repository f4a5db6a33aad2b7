// The paced periodic republish: every agent once per wait_time, spread over
// the period instead of one burst. Replay the property with FC_SEED=<seed>.
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RegisteredAgent } from '../../src/core/index.ts';
import { PacedRepublish } from '../../src/registry/paced-republish.ts';

const T0 = 1_700_000_000;

/** `n` stand-in agents and a log of (agent number, time) republishes. */
function setup(n: number, waitTime: number) {
  const agents = Array.from({ length: n }, (_, i) => ({ i }) as unknown as RegisteredAgent);
  const log: { agent: number; at: number }[] = [];
  const pacer = new PacedRepublish(waitTime, () => agents, (agent, at) => log.push({ agent: (agent as unknown as { i: number }).i, at }));
  return { agents, log, pacer };
}

/** Times of each agent's republishes. */
function byAgent(log: { agent: number; at: number }[], n: number): number[][] {
  const out = Array.from({ length: n }, () => [] as number[]);
  for (const e of log) out[e.agent]!.push(e.at);
  return out;
}

describe('paced republish of agent_operations', () => {
  it('republishes each agent once per wait_time, spread over it rather than at once', () => {
    const { log, pacer } = setup(1000, 30);
    let most = 0;
    for (let s = 0; s <= 3610; s++) most = Math.max(most, pacer.tick(T0 + s * 0.025)); // 90.25 s
    const times = byAgent(log, 1000);
    for (const [agent, list] of times.entries()) {
      assert.ok(list.length === 3 || list.length === 4, `agent ${agent}: ${list.length} republishes in 90.25 s`);
      for (let k = 1; k < list.length; k++) assert.ok(Math.abs(list[k]! - list[k - 1]! - 30) < 0.03, `agent ${agent} gap ${list[k]! - list[k - 1]!}`);
    }
    // 1000 agents over 30 s in 25 ms ticks: under one agent per tick on average, never a burst.
    assert.ok(most <= 2, `at most ${most} agents in one tick`);
  });

  it('starts the clock on the first tick, and publishes nothing for a clock step back', () => {
    const { log, pacer } = setup(3, 5);
    assert.equal(pacer.tick(T0), 0);
    assert.equal(pacer.tick(T0 + 5), 3);
    assert.equal(pacer.tick(T0 + 4), 0);
    assert.deepEqual(log.map((e) => e.agent), [0, 1, 2]);
  });

  it('after a stall, publishes one round at most, not every round it missed', () => {
    const { pacer } = setup(10, 5);
    pacer.tick(T0);
    assert.equal(pacer.tick(T0 + 60), 10);
    assert.equal(pacer.tick(T0 + 60.025), 0);
  });

  it('takes in agents that join, and treats a wait_time under 1 s as 1 s (Python loops once a second)', () => {
    const { agents, log, pacer } = setup(1, 0);
    assert.equal(pacer.period, 1);
    pacer.tick(T0);
    agents.push({ i: 1 } as unknown as RegisteredAgent);
    for (let t = 0.5; t <= 4; t += 0.5) pacer.tick(T0 + t);
    const times = byAgent(log, 2);
    assert.equal(times[0]!.length, 4);
    assert.equal(times[1]!.length, 4);
  });

  it('replays at once the agents whose turn fell in the last seconds (a takeover), at least one, skipping those published otherwise', () => {
    const { log, pacer } = setup(10, 2); // an agent every 0.2 s
    pacer.tick(T0);
    pacer.tick(T0 + 1.3); // agents 0-5 had their turn (published or not: a standby's turn passes all the same)
    log.length = 0;
    assert.equal(pacer.replay(0.9, T0 + 1.3), 5);
    assert.deepEqual(log.map((e) => e.agent), [1, 2, 3, 4, 5], 'the turns of the last 0.9 s, oldest first');
    log.length = 0;
    assert.equal(pacer.replay(0.9, T0 + 1.3, (a) => (a as unknown as { i: number }).i % 2 === 1), 2);
    assert.deepEqual(log.map((e) => e.agent), [2, 4]);
    log.length = 0;
    assert.equal(pacer.replay(0.01, T0 + 1.3), 1, 'at least one: the feed resumes at once');
    assert.deepEqual(log.map((e) => e.agent), [5]);
    assert.equal(pacer.replay(60, T0 + 1.3), 10, 'never more than the table');
    pacer.tick(T0 + 1.5);
    assert.equal(log.at(-1)!.agent, 6, 'the paced round carries on from its cursor');
    assert.equal(setup(0, 2).pacer.replay(1, T0), 0);
  });

  it('property: any table size, wait_time and tick: each agent every wait_time, no tick over its share', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`paced republish property: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1000 }), (n, waitTime, tickMs) => {
        const { log, pacer } = setup(n, waitTime);
        const tick = tickMs / 1000;
        const steps = Math.ceil((3 * waitTime) / tick);
        let most = 0;
        for (let s = 0; s <= steps; s++) most = Math.max(most, pacer.tick(T0 + s * tick));
        // Due per tick: n * tick / waitTime, plus one carried over.
        assert.ok(most <= Math.ceil((n * tick) / waitTime) + 1, `${most} in one tick`);
        for (const list of byAgent(log, n)) {
          assert.ok(list.length >= 2 && list.length <= 4, `${list.length} republishes in 3 periods`);
          for (let k = 1; k < list.length; k++) assert.ok(Math.abs(list[k]! - list[k - 1]! - waitTime) <= tick + 1e-6);
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
