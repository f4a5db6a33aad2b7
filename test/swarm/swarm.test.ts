import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quietScenario, startSwarmNet } from './helpers.ts';

describe('swarm on the in-process router with the TypeScript registry', () => {
  it('registers every agent with its ops; get_api answers', async () => {
    const net = await startSwarmNet(quietScenario({ agents: 12, ops: 'realistic', seed: 5 }));
    try {
      await net.advance(2000);
      const table = net.registry.registry.table();
      assert.equal(Object.keys(table).length, 12);
      for (let i = 0; i < 12; i++) {
        const address = net.swarm.address(i);
        assert.deepEqual(Object.keys(table[address]!.op_codes), [...net.swarm.opNamesOf(i)]);
        assert.equal(table[address]!.agent_class, 'SwarmAgent');
      }
      const client = await net.router.connect('test_realm');
      const calling = client.call(net.swarm.address(0), ['get_api']);
      await net.advance(50);
      const api = (await calling).args[0] as { agent_class: string };
      assert.equal(api.agent_class, 'SwarmAgent');
      assert.equal(net.swarm.stats.heartbeatsSent, net.registry.registry.counters.heartbeats);
    } finally {
      await net.stop();
    }
  });

  it('a crashed agent is reported expired within timeout + tolerance; the checker agrees', async () => {
    const net = await startSwarmNet(quietScenario({ agents: 20, crashPerMin: 20, restartAfter: null, seed: 11 }));
    try {
      await net.advance(30_000);
      // Agents that crashed after their first heartbeat (before it, no registry knows them).
      const crashed = [...net.swarm.truth.allSilences()].map((s) => net.swarm.address(s.member));
      assert.ok(crashed.length >= 3, `${crashed.length} crashes`);
      assert.ok(crashed.length <= net.swarm.stats.crashes);
      await net.advance(8000);
      const table = net.registry.registry.table();
      for (const address of crashed) assert.equal(table[address]!.expired, true, address);
      const live = Object.values(table).filter((a) => !crashed.includes(a.agent_address));
      assert.ok(live.every((a) => !a.expired));
      assert.deepEqual(net.checker.check(net.clock.now()), []);
      assert.deepEqual(net.checker.mismatches, []);
      assert.equal(net.checker.stats.expiriesSeen, crashed.length);
      for (const s of net.swarm.truth.allSilences()) {
        assert.ok(s.seenExpiredAt! - s.start <= 5 + 2, `seen ${s.seenExpiredAt! - s.start} s after the last beat`);
      }
    } finally {
      await net.stop();
    }
  });

  it('a restart comes back with a new session_id and the registry counts it', async () => {
    const net = await startSwarmNet(quietScenario({ agents: 5, crashPerMin: 6, restartAfter: 10, seed: 3 }));
    try {
      const before = new Map(Array.from({ length: 5 }, (_, i) => [i, net.swarm.agentOf(i)!.sessionId]));
      await net.advance(40_000);
      assert.ok(net.swarm.stats.restarts >= 1, `${net.swarm.stats.restarts} restarts`);
      const restarted = [...before].filter(([i, id]) => net.swarm.agentOf(i) && net.swarm.agentOf(i)!.sessionId !== id);
      assert.ok(restarted.length >= 1);
      assert.ok(net.registry.registry.counters.restarts >= 1);
      const entry = net.registry.registry.get(net.swarm.address(restarted[0]![0]))!;
      assert.equal(entry.sessionId, net.swarm.agentOf(restarted[0]![0])!.sessionId);
      net.checker.check(net.clock.now());
      assert.deepEqual(net.checker.mismatches, []);
    } finally {
      await net.stop();
    }
  });

  it('every op change a heartbeat carried shows up on agent_operations; faults check out', async () => {
    const net = await startSwarmNet(quietScenario({
      agents: 30,
      startsPerMin: 120,
      finishesPerMin: 60,
      failsPerMin: 20,
      degradesPerMin: 30,
      hbOffPerMin: 4,
      hbOffSeconds: 8,
      partitionsPerMin: 2,
      partitionSize: 0.1,
      partitionSeconds: 9,
      churnPerMin: 3,
      crashPerMin: 3,
      restartAfter: 7,
      dataFeed: 0.3,
      jitter: 0.1,
      seed: 9,
    }));
    try {
      await net.advance(60_000);
      const s = net.swarm.stats;
      assert.ok(s.starts > 50 && s.finishes > 20 && s.fails > 5 && s.degrades > 5, JSON.stringify(s));
      assert.ok(s.hbOffWindows > 0 && s.partitions > 0 && s.churned > 0 && s.crashes > 0 && s.dataPublishes > 0, JSON.stringify(s));
      net.checker.check(net.clock.now());
      assert.deepEqual(net.checker.mismatches, []);
      assert.ok(net.checker.stats.opChangesSeen > 50, `${net.checker.stats.opChangesSeen} op changes seen`);
      assert.equal(net.swarm.truth.pendingOpChanges.size, 0);
      assert.ok(net.checker.stats.expiriesSeen >= 3);
    } finally {
      await net.stop();
    }
  });

  it('a seeded run repeats exactly; another seed does not', async () => {
    const run = async (seed: number) => {
      const net = await startSwarmNet(quietScenario({
        agents: 15,
        startsPerMin: 60,
        finishesPerMin: 30,
        failsPerMin: 10,
        degradesPerMin: 10,
        crashPerMin: 6,
        restartAfter: 5,
        hbOffPerMin: 3,
        jitter: 0.1,
        seed,
      }));
      try {
        await net.advance(20_000);
        return { events: net.swarm.events, stats: { ...net.swarm.stats }, ops: net.swarm.opNamesOf(3).length };
      } finally {
        await net.stop();
      }
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    assert.ok(a.events.length > 10);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.events, c.events);
  });
});
