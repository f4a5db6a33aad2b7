// The endpoint's WAMP-over-WebSocket side, over real sockets on 127.0.0.1:
// the project's JSON peer and raw msgpack/JSON sockets against one router.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import type { EventDetails } from '../../src/wamp/session.ts';
import { joinJson, RawSocket } from './helpers.ts';
import { openStalledClient } from '../support/stalled-client.ts';

describe('endpoint: WAMP over WebSocket', () => {
  let endpoint: SimEndpoint;
  before(async () => {
    endpoint = await startEndpoint({ port: 0, maxMessageBytes: 64 * 1024 });
  });
  after(async () => {
    await endpoint.close();
  });

  it('listens on loopback with an ephemeral port', () => {
    assert.ok(endpoint.port > 0);
    assert.equal(endpoint.url, `http://127.0.0.1:${endpoint.port}`);
    assert.equal(endpoint.wsUrl, `ws://127.0.0.1:${endpoint.port}/ws`);
  });

  it('joins a JSON peer with the path role', async () => {
    const peer = await joinJson(endpoint.wsUrl);
    assert.ok(peer.id > 0);
    const raw = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    const welcome = await raw.join();
    assert.equal(welcome[0], 2);
    assert.equal((welcome[2] as Record<string, unknown>).authrole, 'iocs_agent');
    await raw.close();
    await peer.leave();
  });

  it('delivers a msgpack publish to a JSON wildcard subscriber with details.topic', async () => {
    const subscriber = await joinJson(endpoint.wsUrl);
    let resolveEvent!: (value: { args: unknown[]; details: EventDetails }) => void;
    const event = new Promise<{ args: unknown[]; details: EventDetails }>((resolve) => (resolveEvent = resolve));
    await subscriber.subscribe('observatory..feeds.heartbeat', (args, _kwargs, details) => resolveEvent({ args, details }), { match: 'wildcard' });
    const publisher = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    await publisher.join();
    publisher.send([16, 1, {}, 'observatory.fake1.feeds.heartbeat', [[{ acq: 5 }, { agent_address: 'observatory.fake1' }]]]);
    const got = await event;
    assert.deepEqual(got.args, [[{ acq: 5 }, { agent_address: 'observatory.fake1' }]]);
    assert.equal(got.details.topic, 'observatory.fake1.feeds.heartbeat');
    await publisher.close();
    await subscriber.leave();
  });

  it('round-trips a call from a JSON caller to a msgpack callee', async () => {
    const callee = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    await callee.join();
    callee.send([64, 1, {}, 'observatory.fake1.ops']);
    const registered = await callee.next();
    assert.equal(registered[0], 65);
    const caller = await joinJson(endpoint.wsUrl);
    const result = caller.call('observatory.fake1.ops', ['status', 'acq', {}], { x: 1 });
    const invocation = await callee.next();
    assert.equal(invocation[0], 68);
    assert.deepEqual(invocation.slice(4), [['status', 'acq', {}], { x: 1 }]);
    callee.send([70, invocation[1], {}, [[0, 'Session active.', { op_name: 'acq' }]]]);
    assert.deepEqual((await result).args, [[0, 'Session active.', { op_name: 'acq' }]]);
    await caller.leave();
    await callee.close();
  });

  it('picks the first offered subprotocol it speaks, in the client order', async () => {
    for (
      const [offered, chosen] of [
        [['wamp.2.cbor.batched', 'wamp.2.cbor', 'wamp.2.msgpack', 'wamp.2.json'], 'wamp.2.cbor.batched'],
        [['wamp.2.ubjson', 'wamp.2.msgpack', 'wamp.2.json'], 'wamp.2.msgpack'],
        [['wamp.2.json', 'wamp.2.msgpack'], 'wamp.2.json'],
        [['wamp.2.msgpack.batched', 'wamp.2.json'], 'wamp.2.msgpack.batched'],
        [['wamp.2.json.batched'], 'wamp.2.json.batched'],
      ] as const
    ) {
      const raw = await RawSocket.connect(endpoint.wsUrl, [...offered]);
      assert.equal(raw.protocol, chosen, `offered ${offered.join(', ')}`);
      await raw.close();
    }
  });

  it('refuses an upgrade that offers no serializer it speaks', async () => {
    const refusedBefore = endpoint.stats.refusedUpgrades;
    await assert.rejects(RawSocket.connect(endpoint.wsUrl, ['wamp.2.ubjson']));
    assert.equal(endpoint.stats.refusedUpgrades, refusedBefore + 1);
  });

  for (const protocol of ['wamp.2.json.batched', 'wamp.2.msgpack.batched', 'wamp.2.cbor.batched']) {
    it(`speaks ${protocol}: several messages in one frame`, async () => {
      const raw = await RawSocket.connect(endpoint.wsUrl, [protocol]);
      assert.equal((await raw.join())[0], 2);
      raw.sendBatch([
        [32, 1, {}, 'observatory.batch'],
        [48, 2, {}, 'wamp.session.count'],
      ]);
      assert.equal((await raw.next())[0], 33);
      assert.deepEqual((await raw.next()).slice(0, 2), [50, 2]);
      await raw.close();
    });
  }

  for (const protocol of ['wamp.2.json.batched', 'wamp.2.msgpack.batched', 'wamp.2.cbor.batched']) {
    it(`${protocol}: the EVENTs of one turn go to a subscriber in one frame`, async () => {
      const raw = await RawSocket.connect(endpoint.wsUrl, [protocol]);
      assert.equal((await raw.join())[0], 2);
      raw.send([32, 1, { match: 'prefix' }, 'observatory.joined']);
      const subscription = (await raw.next())[2];
      const framesBefore = raw.frames.length;
      // Three PUBLISHes in one frame, not excluding ourselves: handled in one turn, so their EVENTs leave together.
      raw.sendBatch([0, 1, 2].map((i) => [16, 10 + i, { exclude_me: false }, `observatory.joined.a${i}`, [[{ op: i }, { feed: 'x' }]], { k: i }]));
      const events = [await raw.next(), await raw.next(), await raw.next()];
      assert.equal(raw.frames.length, framesBefore + 1);
      assert.deepEqual(
        events.map((e) => [e[0], e[1], e[3], e[4], e[5]]),
        [0, 1, 2].map((i) => [36, subscription, { topic: `observatory.joined.a${i}` }, [[{ op: i }, { feed: 'x' }]], { k: i }]),
      );
      await raw.close();
    });
  }

  it('wamp.2.json.batched: an EVENT reusing its JSON PUBLISH text reads the same as one encoded afresh', async () => {
    const raw = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.json.batched']);
    await raw.join();
    raw.send([32, 1, { match: 'wildcard' }, 'observatory..feeds.heartbeat']);
    const subscription = (await raw.next())[2];
    const agent = await joinJson(endpoint.wsUrl);
    const args = [[{ 'op-1': 1, op2: 5 }, { agent_address: 'observatory.x', agent_class: null, session_id: '1.5', x: [1.5, 'é\u2028'] }]];
    agent.publish('observatory.x.feeds.heartbeat', args);
    const event = await raw.next();
    assert.deepEqual(event.slice(0, 2), [36, subscription]);
    assert.deepEqual(event.slice(3), [{ topic: 'observatory.x.feeds.heartbeat' }, args]);
    assert.ok((raw.frames.at(-1) as string).endsWith('\u0018'));
    await agent.leave();
    await raw.close();
  });

  it('wamp.2.json.batched: a RESULT reusing its YIELD text (in a batch) reads the same as one encoded afresh', async () => {
    const callee = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.json.batched']);
    await callee.join();
    callee.send([64, 1, {}, 'observatory.splice.ops']);
    const registration = (await callee.next())[2];
    const caller = await joinJson(endpoint.wsUrl);
    const reply = caller.call('observatory.splice.ops', ['status']);
    const invocation = await callee.next();
    assert.deepEqual(invocation.slice(0, 3), [68, invocation[1], registration]);
    const rows = [0, [1.5, 'é', null, { a: [true] }], {}];
    // The YIELD shares its frame with another message, and its text has spaces a fresh encoding would not.
    callee.sendRaw(`[70, ${invocation[1]}, {}, ${JSON.stringify(rows, null, 1)}, {"k": 1}]\u0018[32,2,{},"observatory.splice.other"]\u0018`);
    const result = await reply;
    assert.deepEqual([result.args, result.kwargs], [rows, { k: 1 }]);
    assert.equal((await callee.next())[0], 33);
    await caller.leave();
    await callee.close();
  });

  it('a garbage frame closes only that connection, and is counted', async () => {
    const bystander = await joinJson(endpoint.wsUrl);
    const before = endpoint.stats.badFrames;
    const bad = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    await bad.join();
    bad.sendRaw(new Uint8Array([0xc1, 0xff, 0x00])); // 0xc1 is never valid msgpack
    const closed = await bad.closed;
    assert.equal(closed.code, 1002);
    assert.equal(endpoint.stats.badFrames, before + 1);
    const json = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.json']);
    json.sendRaw('{not json');
    assert.equal((await json.closed).code, 1002);
    const wrongKind = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    wrongKind.sendRaw('[1,"test_realm",{}]'); // text frame for a binary serializer
    assert.equal((await wrongKind.closed).code, 1002);
    assert.equal(endpoint.stats.badFrames, before + 3);
    // The bystander still works.
    assert.equal(typeof (await bystander.call('wamp.session.count')).args[0], 'number');
    await bystander.leave();
  });

  it('a message over the size limit costs only its connection', async () => {
    const before = endpoint.stats.socketErrors;
    const big = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.json']);
    await big.join();
    big.send([16, 1, {}, 'observatory.big', ['x'.repeat(100 * 1024)]]);
    const closed = await big.closed;
    assert.ok(closed.code === 1009 || closed.code === 1006, `close code ${closed.code}`);
    assert.equal(endpoint.stats.socketErrors, before + 1);
    const peer = await joinJson(endpoint.wsUrl);
    await peer.leave();
  });
});

describe('endpoint: backpressure', () => {
  it('closes a subscriber that stops reading, counts it, and keeps delivering to the others', async () => {
    const endpoint = await startEndpoint({ port: 0, maxSendBufferBytes: 512 * 1024 });
    try {
      const bridges = endpoint.router.sessionCount('test_realm'); // the HTTP bridge's own sessions
      const stalled = await openStalledClient(endpoint.port, '/ws', 'wamp.2.json');
      stalled.sendText('[1,"test_realm",{"roles":{"subscriber":{}}}]');
      stalled.sendText('[32,1,{"match":"wildcard"},"observatory..feeds.heartbeat"]');
      stalled.stall();
      const reader = await joinJson(endpoint.wsUrl);
      let received = 0;
      await reader.subscribe('observatory..feeds.heartbeat', () => void received++, { match: 'wildcard' });
      const publisher = await joinJson(endpoint.wsUrl);
      // The stalled session joined (and so subscribed: same connection, in order) before the flood starts.
      assert.equal(endpoint.router.sessionCount('test_realm'), bridges + 3);
      const payload = 'x'.repeat(32 * 1024); // well under the bound: a reader that keeps up never reaches it
      let published = 0;
      while (endpoint.stats.backpressureCloses === 0 && published < 5000) {
        await publisher.publishAcknowledged('observatory.a.feeds.heartbeat', [payload]);
        published++;
      }
      assert.equal(endpoint.stats.backpressureCloses, 1);
      assert.ok(published < 5000);
      assert.equal(endpoint.router.sessionCount('test_realm'), bridges + 2);
      await publisher.publishAcknowledged('observatory.a.feeds.heartbeat', ['after']);
      await reader.call('wamp.session.count'); // a round trip: every event before it has arrived
      assert.equal(received, published + 1);
      stalled.destroy();
      await publisher.leave();
      await reader.leave();
    } finally {
      await endpoint.close();
    }
  });
});

describe('endpoint: close()', () => {
  it('says GOODBYE to every session and closes every connection', async () => {
    const endpoint = await startEndpoint({ port: 0 });
    const peer = await joinJson(endpoint.wsUrl);
    let closeReason = '';
    const left = new Promise<void>((resolve) =>
      peer.onClose((reason) => {
        closeReason = reason;
        resolve();
      })
    );
    const raw = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    await raw.join();
    await endpoint.close();
    await left;
    assert.equal(closeReason, 'wamp.close.system_shutdown');
    const goodbye = await raw.next();
    assert.deepEqual([goodbye[0], goodbye[2]], [6, 'wamp.close.system_shutdown']);
    await raw.closed;
    assert.equal(endpoint.stats.connectionsOpen, 0);
    await assert.rejects(fetch(`${endpoint.url}/info`));
  });
});
