// A proxy's rules for its clients, the same as the endpoint's (serve()), on
// every runtime (on Bun the proxy's client side is its own, proxy-bun.ts): an
// unknown subprotocol is refused, a message over the limit and a client that
// does not read cost only their own connection, and the proxy says so once.

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
