// The swarm over WebSocket offers the serializers real agents use (CBOR and
// msgpack, batched too), and a registry reading msgpack sees every agent:
// the simulator endpoint translates between them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEndpoint } from '../../sim/endpoint/index.ts';
import { webSocketConnector } from '../../sim/swarm/connection.ts';
import { Swarm } from '../../sim/swarm/swarm.ts';
import { swarmMain } from '../../sim/swarm/cli.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { parseSerializerList } from '../../src/wamp/serializers/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { quietScenario, REALM } from './helpers.ts';

/** One turn of the event loop: real sockets deliver on macrotasks. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('swarm serializers', () => {
  it('parses a list to offer, in order, and refuses an unknown name', () => {
    assert.deepEqual(parseSerializerList('cbor.batched,cbor, msgpack,json').map((s) => s.protocol), [
      'wamp.2.cbor.batched',
      'wamp.2.cbor',
      'wamp.2.msgpack',
      'wamp.2.json',
    ]);
    assert.throws(() => parseSerializerList('cbor,yaml'), /Unknown serializer "yaml"; use one or more of json, msgpack, cbor, json\.batched/);
  });

  for (const offer of ['cbor.batched,cbor,msgpack,json', 'msgpack.batched']) {
    it(`agents offering ${offer} reach a registry that speaks msgpack`, async () => {
      const endpoint = await startEndpoint({ port: 0 });
      const clock = new FakeClock(1_700_000_000);
      const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'localhost', pid: 1 });
      const registrySession = await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl, { serializers: parseSerializerList('msgpack') }), REALM);
      await registry.join(registrySession);
      // The endpoint picks the first one offered, as crossbar does.
      const probe = await WebSocketTransport.connect(endpoint.wsUrl, { serializers: parseSerializerList(offer) });
      assert.equal(probe.serializer.protocol, `wamp.2.${offer.split(',')[0]}`);
      probe.close();
      const connect = webSocketConnector(endpoint.wsUrl, REALM, parseSerializerList(offer));
      const swarm = new Swarm(quietScenario({ agents: 4, seed: 3 }), { clock, connect });
      try {
        await swarm.start();
        for (let i = 0; i < 2000 && registry.registry.counters.heartbeats < swarm.stats.heartbeatsSent + 4; i++) {
          if (i % 20 === 0) clock.advance(250);
          await turn();
        }
        assert.equal(swarm.stats.up, 4);
        assert.equal(Object.keys(registry.registry.table()).length, 4);
        assert.ok(registry.registry.counters.heartbeats >= 4);
      } finally {
        await swarm.stop();
        registry.agent.stopAllSessions();
        await registrySession.leave().catch(() => {});
        await endpoint.close();
      }
    });
  }

  it('refuses --serializer without --url, and an unknown name, with exit code 2', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), clock: new FakeClock() };
    assert.equal(await swarmMain(['--serializer', 'cbor'], io), 2);
    assert.equal(await swarmMain(['--url', 'ws://127.0.0.1:9/ws', '--serializer', 'xml'], io), 2);
    assert.deepEqual(lines, [
      'ocs-sim swarm: --serializer needs --url (in-process, messages are not serialized).',
      'ocs-sim swarm: Unknown serializer "xml"; use one or more of json, msgpack, cbor, json.batched, msgpack.batched, cbor.batched.',
    ]);
  });
});
