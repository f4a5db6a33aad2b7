// A proxy's rules for its clients, the same as the endpoint's (serve()), on
// every runtime (on Bun the proxy's client side is its own, proxy-bun.ts): an
// unknown subprotocol is refused, a message over the limit and a client that
// does not read cost only their own connection, and the proxy says so once;
// what a batched client is sent in one turn goes as one message.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type SimCluster, startCluster } from '../../sim/mod.ts';
import type { WampPeer } from '../../src/wamp/peer.ts';
import { joinJson, RawSocket } from '../endpoint/helpers.ts';
import { openStalledClient } from '../support/stalled-client.ts';

describe("a proxy's clients", () => {
  let cluster: SimCluster;
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const logged = (pattern: RegExp) => new Promise<void>((resolve) => waiters.push({ pattern, resolve }));
  before(async () => {
    cluster = await startCluster({
      port: 0,
      proxies: 1,
      maxMessageBytes: 64 * 1024,
      maxSendBufferBytes: 256 * 1024,
      log: (line) => {
        for (const w of waiters) if (w.pattern.test(line)) w.resolve();
      },
    });
  });
  after(async () => {
    await cluster.close();
  });

  /** Resolves with the id of the next session to leave. */
  async function nextLeave(observer: WampPeer): Promise<{ left: Promise<number> }> {
    let resolve!: (id: number) => void;
    const left = new Promise<number>((r) => (resolve = r));
    await observer.subscribe('wamp.session.on_leave', (args) => resolve(Number(args[0])));
    return { left };
  }

  it('refuses an upgrade with no subprotocol it speaks', async () => {
    await assert.rejects(RawSocket.connect(cluster.wsUrl, ['wamp.2.xml']));
  });

  it('joins what one link batch brings a batched client into one message, in order', async () => {
    for (const protocol of ['wamp.2.json.batched', 'wamp.2.cbor.batched']) {
      const subscriber = await RawSocket.connect(cluster.wsUrl, [protocol]);
      await subscriber.join();
      subscriber.send([32, 1, {}, 'observatory.many.feeds.x']);
      assert.equal((await subscriber.next())[0], 33);
      const publisher = await cluster.endpoint.router.connect('test_realm');
      const before = subscriber.frames.length;
      for (let i = 0; i < 5; i++) publisher.publish('observatory.many.feeds.x', [i]); // one turn: one link batch
      const got = [];
      for (let i = 0; i < 5; i++) got.push((await subscriber.next())[4]);
      assert.deepEqual(got, [[0], [1], [2], [3], [4]]);
      assert.equal(subscriber.frames.length - before, 1, protocol);
      await publisher.leave();
      await subscriber.close();
    }
  });

  it('closes a connection that sends more than the limit, and only that one', async () => {
    const said = logged(/\[proxy 0\] ocs-sim proxy: a connection broke the rules/);
    const big = await RawSocket.connect(cluster.wsUrl, ['wamp.2.json']);
    await big.join();
    const good = await joinJson(cluster.wsUrl);
    big.sendRaw(`[16,1,{},"observatory.big.feeds.x",["${'x'.repeat(70 * 1024)}"]]`);
    assert.notEqual((await big.closed).code, 1000);
    await said;
    await good.subscribe('observatory.still.here', () => {});
    await good.leave();
  });

  it('drops a client that does not read once its send buffer is over the bound', async () => {
    const observer = await cluster.endpoint.router.connect('test_realm');
    const { left } = await nextLeave(observer);
    const said = logged(/\[proxy 0\] ocs-sim proxy: a client that did not read was closed/);
    const stalled = await openStalledClient(cluster.port, '/ws', 'wamp.2.json');
    stalled.sendText('[1,"test_realm",{"roles":{"subscriber":{}}}]');
    stalled.sendText('[32,1,{},"observatory.flood.feeds.x"]');
    stalled.stall();
    const publisher = await joinJson(cluster.wsUrl);
    // The first few publishes may come before its subscription: the flood goes on until it is dropped.
    let gone = false;
    void left.then(() => (gone = true));
    const payload = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 5000 && !gone; i++) await publisher.publishAcknowledged('observatory.flood.feeds.x', [payload]);
    assert.ok(gone, 'the stalled client was never dropped');
    await said;
    stalled.destroy();
    await publisher.leave();
    await observer.leave();
  });
});
