// The swarm's connections under trouble: refused attempts are retried with
// back-off and counted, and a connection the router closes is noticed,
// counted and made again (same agent, as autobahn's reconnect does).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router } from '../../sim/router/index.ts';
import { type Connector, inProcessConnector } from '../../sim/swarm/connection.ts';
import { Swarm } from '../../sim/swarm/swarm.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, settle } from '../support/settle.ts';
import { quietScenario, REALM, startSwarmNet } from './helpers.ts';

describe('swarm connections', () => {
  it('retries refused connections with back-off and counts them; every agent joins in the end', async () => {
    const clock = new FakeClock(1_700_000_000);
    const router = new Router({ realms: [REALM], clock });
    const real = inProcessConnector(router, REALM, 'json');
    let refusals = 7;
    const connect: Connector = () => (refusals-- > 0 ? Promise.reject(new Error('connection refused')) : real());
    const log: string[] = [];
    const swarm = new Swarm(quietScenario({ agents: 4, seed: 2 }), { clock, connect, log: (l) => log.push(l) });
    const starting = swarm.start();
    await settle();
    await starting;
    assert.equal(swarm.stats.connectErrors, 4);
    assert.equal(swarm.stats.waitingToJoin, 4);
    assert.equal(swarm.stats.up, 0);
    await runFor(clock, 20_000);
    assert.equal(swarm.stats.connectErrors, 7);
    assert.equal(swarm.stats.connectRetries, 7);
    assert.equal(swarm.stats.waitingToJoin, 0);
    assert.equal(swarm.stats.up, 4);
    assert.equal(swarm.stats.restarts, 0, 'a retry is not a restart');
    assert.equal(log.length, 1);
    assert.match(log[0]!, /could not join: connection refused \(retried with back-off; further errors are only counted\)/);
    const stopping = swarm.stop();
    await settle();
    await stopping;
    router.close();
  });

  it('notices connections the router closes, reconnects them, and the registry sees the agents again', async () => {
    const agentSessions: number[] = [];
    const net = await startSwarmNet(quietScenario({ agents: 6, seed: 9 }), (connect) => async () => {
      const connection = await connect();
      agentSessions.push(connection.session.id);
      return connection;
    });
    try {
      await net.advance(3000);
      for (const id of agentSessions.slice(0, 2)) assert.ok(net.router.killSession(id));
      await net.advance(50);
      assert.equal(net.swarm.stats.connectionsLost, 2);
      assert.equal(net.swarm.stats.up, 4);
      await net.advance(3000);
      assert.equal(net.swarm.stats.up, 6);
      await net.advance(10_000);
      const table = net.registry.registry.table();
      assert.ok(Object.values(table).every((a) => !a.expired));
      assert.deepEqual(net.checker.check(net.clock.now()), []);
      assert.deepEqual(net.checker.mismatches, []);
    } finally {
      await net.stop();
    }
  });
});
