// The Registry Agent tracks a swarm whose agents, and the registry itself,
// reach the router through proxy processes (`ocs-sim router --proxies 2`),
// agents in CBOR as autobahn-python offers, the registry in JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCluster } from '../../sim/cluster/cluster.ts';
import { webSocketConnector } from '../../sim/swarm/connection.ts';
import { Swarm } from '../../sim/swarm/swarm.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { parseSerializerList } from '../../src/wamp/serializers/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { quietScenario, REALM } from '../swarm/helpers.ts';

/** One turn of the event loop: real sockets deliver on macrotasks. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('registry through proxy processes', () => {
  it('sees every agent of a swarm, and their heartbeats', async () => {
    const cluster = await startCluster({ port: 0, proxies: 2 });
    const clock = new FakeClock(1_700_000_000);
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'localhost', pid: 1 });
    const registrySession = await WampPeer.join(await WebSocketTransport.connect(cluster.wsUrl), REALM);
    await registry.join(registrySession);
    const connect = webSocketConnector(cluster.wsUrl, REALM, parseSerializerList('cbor.batched,cbor,msgpack,json'));
    const swarm = new Swarm(quietScenario({ agents: 24, seed: 5 }), { clock, connect });
    try {
      await swarm.start();
      const seen = () => Object.keys(registry.registry.table()).length === 24 && registry.registry.counters.heartbeats >= 48;
      for (let i = 0; i < 4000 && !seen(); i++) {
        if (i % 20 === 0) clock.advance(250);
        await turn();
      }
      assert.equal(swarm.stats.up, 24);
      assert.equal(Object.keys(registry.registry.table()).length, 24);
      assert.ok(registry.registry.counters.heartbeats >= 48);
      // Both proxies carry sessions (the kernel spreads connections over the port's listeners).
      const carried = cluster.link.proxies().map((p) => p.sessions);
      assert.equal(carried.reduce((a, b) => a + b, 0), 25);
    } finally {
      await swarm.stop();
      registry.agent.stopAllSessions();
      await registrySession.leave().catch(() => {});
      await cluster.close();
    }
  });
});
