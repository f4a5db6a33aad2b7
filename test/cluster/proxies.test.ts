// `ocs-sim router --proxies N` over real sockets: proxy processes of the
// runtime running this test share one public port and carry every
// serializer, pub/sub and RPC to the one router in this process; a client
// that drops, and a proxy that dies, take their sessions with them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import { type SimCluster, startCluster } from '../../sim/cluster/cluster.ts';
import type { EventDetails } from '../../src/wamp/session.ts';
import type { WampPeer } from '../../src/wamp/peer.ts';
import { joinJson, RawSocket } from '../endpoint/helpers.ts';

const PROTOCOLS = ['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor', 'wamp.2.json.batched', 'wamp.2.msgpack.batched', 'wamp.2.cbor.batched'];
const REGISTER = 64;
const REGISTERED = 65;
const INVOCATION = 68;
const YIELD = 70;

/** Resolves once `count` leave events have come; `ids` holds them. */
async function watchLeaves(observer: WampPeer, count: number): Promise<{ ids: number[]; done: Promise<void> }> {
  const ids: number[] = [];
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  await observer.subscribe('wamp.session.on_leave', (args) => {
    ids.push(Number(args[0]));
    if (ids.length === count) resolve();
  });
  return { ids, done };
}

async function registerRaw(url: string, procedure: string, protocol = 'wamp.2.msgpack'): Promise<{ raw: RawSocket; id: number }> {
  const raw = await RawSocket.connect(url, [protocol]);
  const welcome = await raw.join();
  raw.send([REGISTER, 1, {}, procedure]);
  assert.equal((await raw.next())[0], REGISTERED);
  return { raw, id: Number(welcome[1]) };
}

describe('router spread over proxy processes', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startCluster({ port: 0, proxies: 2, maxMessageBytes: 64 * 1024, extraHosts: ['127.0.0.2'] });
  });
  after(async () => {
    await cluster.close();
  });

  it('serves one URL: /info and the HTTP bridge answer through a proxy', async () => {
    assert.equal(cluster.proxies.length, 2);
    assert.notEqual(cluster.port, cluster.endpoint.port);
    const info = await (await fetch(`${cluster.url}/info`)).json() as { realms: { name: string }[] };
    assert.deepEqual(info.realms.map((r) => r.name), ['test_realm']);
    const { raw } = await registerRaw(cluster.wsUrl, 'observatory.bridge1.ops');
    const reply = fetch(`${cluster.url}/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ procedure: 'observatory.bridge1.ops', args: ['status', 'acq'] }),
    });
    const invocation = await raw.next();
    assert.equal(invocation[0], INVOCATION);
    raw.send([YIELD, invocation[1], {}, ['ok']]);
    const response = await reply;
    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as { args: unknown[] }).args, ['ok']);
    await raw.close();
  });

  it('listens on the extra address too, same port, same router', async () => {
    const observer = await cluster.endpoint.router.connect('test_realm');
    let joined: () => void = () => {};
    const seen = new Promise<void>((resolve) => (joined = resolve));
    await observer.subscribe('wamp.session.on_join', () => joined());
    const peer = await joinJson(`ws://127.0.0.2:${cluster.port}/ws`);
    await seen;
    await peer.leave();
    await observer.leave();
  });

  it('carries every serializer both ways, pub/sub with details.topic', async () => {
    const subscriber = await joinJson(cluster.wsUrl);
    const got: { args: unknown[]; topic: string | undefined }[] = [];
    let wake: () => void = () => {};
    await subscriber.subscribe('observatory..feeds.heartbeat', (args, _kwargs, details: EventDetails) => {
      got.push({ args, topic: details.topic });
      wake();
    }, { match: 'wildcard' });
    for (const [i, protocol] of PROTOCOLS.entries()) {
      const publisher = await RawSocket.connect(cluster.wsUrl, [protocol]);
      assert.equal(publisher.protocol, protocol);
      const welcome = await publisher.join();
      assert.equal((welcome[2] as Record<string, unknown>).authrole, 'iocs_agent');
      // A raw subscriber in this serializer hears its own topic back through the proxy.
      publisher.send([32, 1, {}, `observatory.p${i}.feeds.heartbeat`]);
      assert.equal((await publisher.next())[0], 33);
      const arrived = new Promise<void>((resolve) => (wake = resolve));
      publisher.send([16, 2, { exclude_me: false }, `observatory.p${i}.feeds.heartbeat`, [[{ acq: i }, { agent_address: `observatory.p${i}` }]]]);
      await arrived;
      assert.deepEqual(got.at(-1), { args: [[{ acq: i }, { agent_address: `observatory.p${i}` }]], topic: `observatory.p${i}.feeds.heartbeat` });
      const event = await publisher.next();
      assert.equal(event[0], 36, protocol);
      assert.deepEqual(event[4], [[{ acq: i }, { agent_address: `observatory.p${i}` }]]);
      await publisher.close();
    }
    await subscriber.leave();
  });

  it('round-trips a call from a JSON caller to a CBOR callee', async () => {
    const { raw: callee } = await registerRaw(cluster.wsUrl, 'observatory.fake1.ops', 'wamp.2.cbor');
    const caller = await joinJson(cluster.wsUrl);
    const result = caller.call('observatory.fake1.ops', ['status', 'acq', {}], { x: 1 });
    const invocation = await callee.next();
    assert.equal(invocation[0], INVOCATION);
    assert.deepEqual(invocation.slice(4), [['status', 'acq', {}], { x: 1 }]);
    callee.send([YIELD, invocation[1], {}, [[0, 'Session active.', { op_name: 'acq' }]]]);
    assert.deepEqual((await result).args, [[0, 'Session active.', { op_name: 'acq' }]]);
    await caller.leave();
    await callee.close();
  });

  it('a bad frame costs only its own session', async () => {
    const bad = await RawSocket.connect(cluster.wsUrl, ['wamp.2.json']);
    await bad.join();
    const good = await joinJson(cluster.wsUrl);
    bad.sendRaw('this is not JSON');
    assert.equal((await bad.closed).code, 1002);
    assert.ok(cluster.endpoint.stats.badFrames >= 1);
    await good.subscribe('observatory.still.here', () => {});
    await good.leave();
  });

  it('a client that drops leaves: on_leave, and its registration is gone', async () => {
    const observer = await cluster.endpoint.router.connect('test_realm');
    const leaves = await watchLeaves(observer, 1);
    const { raw, id } = await registerRaw(cluster.wsUrl, 'observatory.gone.ops');
    await raw.close();
    await leaves.done;
    assert.deepEqual(leaves.ids, [id]);
    await assert.rejects(observer.call('observatory.gone.ops', ['status']), /no_such_procedure/);
    await observer.leave();
  });

  it('a proxy that dies takes its sessions with it, and only those', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => registerRaw(cluster.wsUrl, `observatory.c${i}.ops`)));
    const carried = cluster.link.proxies().filter((p) => p.sessions > 0);
    const victim = carried[0]!;
    assert.equal(carried.reduce((sum, p) => sum + p.sessions, 0), 8);
    const observer = await cluster.endpoint.router.connect('test_realm');
    const leaves = await watchLeaves(observer, victim.sessions);
    process.kill(victim.pid, 'SIGKILL');
    await leaves.done;
    const lost = new Set(leaves.ids);
    const survivors = clients.filter((c) => !lost.has(c.id));
    assert.equal(survivors.length, 8 - victim.sessions);
    for (const c of clients.filter((c) => lost.has(c.id))) await c.raw.closed;
    for (const [i, c] of clients.entries()) {
      const call = observer.call(`observatory.c${i}.ops`, ['status']);
      if (lost.has(c.id)) {
        await assert.rejects(call, /no_such_procedure/);
        continue;
      }
      const invocation = await c.raw.next();
      c.raw.send([YIELD, invocation[1], {}, [i]]);
      assert.deepEqual((await call).args, [i]);
    }
    await observer.leave();
    for (const c of survivors) await c.raw.close();
  });
});
