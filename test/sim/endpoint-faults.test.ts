// The fault hooks through the network endpoint (it shares its Router): a
// WebSocket client sees a restart as its connection closing and can join
// again; a partition drops its traffic while the socket stays up.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';

const join = async (url: string) => WampPeer.join(await WebSocketTransport.connect(url), 'test_realm');

describe('fault hooks through the WebSocket endpoint', () => {
  let endpoint: SimEndpoint;
  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
  });
  after(async () => {
    await endpoint.close();
  });

  it('restart closes the socket session; the client joins again to an empty router', async () => {
    const peer = await join(endpoint.wsUrl);
    await peer.register('observatory.p', () => 1);
    const closed = new Promise<string>((resolve) => peer.onClose(resolve));
    endpoint.router.restart();
    assert.equal(typeof (await closed), 'string');
    assert.equal(peer.isOpen, false);
    const again = await join(endpoint.wsUrl);
    await again.register('observatory.p', () => 2);
    assert.deepEqual((await again.call('observatory.p')).args, [2]);
    // The HTTP bridge joined the restarted router too.
    const bridged = await fetch(`${endpoint.url}/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ procedure: 'observatory.p' }),
    });
    assert.equal(bridged.status, 200);
    assert.deepEqual(await bridged.json(), { args: [2] });
    await again.leave();
  });

  it("a partition drops a socket session's traffic; after heal() it flows again", async () => {
    const sub = await join(endpoint.wsUrl);
    const pub = await join(endpoint.wsUrl);
    const got: unknown[] = [];
    let marker!: () => void;
    const markerSeen = new Promise<void>((resolve) => (marker = resolve));
    await sub.subscribe('observatory.t', (args) => {
      got.push(args[0]);
      if (args[0] === 'after') marker();
    });
    const cut = endpoint.router.partition([sub.id]);
    // Acknowledged: the router has dispatched (and the fault dropped) the event before we heal.
    await pub.publishAcknowledged('observatory.t', ['during']);
    cut.heal();
    await pub.publishAcknowledged('observatory.t', ['after']);
    await markerSeen;
    assert.deepEqual(got, ['after']);
    assert.equal(sub.isOpen, true);
    await sub.leave();
    await pub.leave();
  });
});
