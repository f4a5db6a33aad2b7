// The router's fault hooks: drop, delay, pause/resume, partition. Time
// moves only through FakeClock; settle() lets in-memory traffic run.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { MessageType } from '../../src/wamp/messages.ts';
import type { WampPeer } from '../../src/wamp/peer.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

const onlyEvents = (_session: number, message: readonly unknown[]) => message[0] === MessageType.EVENT;

/** A publisher and a subscriber on topic 't' that records the numbers it gets. */
async function pair(router: Router, realm = 'r'): Promise<{ pub: WampPeer; sub: WampPeer; got: number[] }> {
  const pub = await router.connect(realm);
  const sub = await router.connect(realm);
  const got: number[] = [];
  await sub.subscribe('t', (args) => void got.push(args[0] as number));
  return { pub, sub, got };
}

function publish(pub: WampPeer, from: number, to: number): void {
  for (let i = from; i < to; i++) pub.publish('t', [i]);
}

describe('fault: drop', () => {
  async function dropRun(seed: number, fraction: number): Promise<{ got: number[]; dropped: number }> {
    const router = new Router();
    const { pub, got } = await pair(router);
    router.faults.drop(fraction, { seed, filter: onlyEvents });
    publish(pub, 0, 5000);
    await settle();
    const dropped = router.faults.dropped;
    router.close();
    return { got, dropped };
  }

  it('drops a seeded fraction of messages: the same ones on every run', async () => {
    const first = await dropRun(42, 0.1);
    const again = await dropRun(42, 0.1);
    const other = await dropRun(7, 0.1);
    assert.deepEqual(again.got, first.got, 'same seed, same messages');
    assert.equal(first.dropped, 5000 - first.got.length);
    assert.ok(Math.abs(first.dropped - 500) < 90, `about 10% dropped, got ${first.dropped}`);
    assert.notDeepEqual(other.got, first.got, 'another seed, other messages');
    assert.deepEqual(first.got, [...first.got].sort((a, b) => a - b), 'what arrives stays in order');
    assert.deepEqual((await dropRun(1, 0)).got.length, 5000);
    assert.deepEqual((await dropRun(1, 1)).got.length, 0);
  });

  it('is scoped by realm and filter, and lifted by stop()', async () => {
    const router = new Router();
    const a = await pair(router, 'a');
    const b = await pair(router, 'b');
    const rule = router.faults.drop(1, { realm: 'a', filter: onlyEvents });
    assert.equal(router.faults.active, true);
    publish(a.pub, 0, 10);
    publish(b.pub, 0, 10);
    assert.deepEqual((await a.pub.call('wamp.session.count')).args, [2], 'replies are not events: not dropped');
    assert.deepEqual(a.got, []);
    assert.equal(b.got.length, 10);
    rule.stop();
    assert.equal(router.faults.active, false, 'off again: back to the one-boolean fast path');
    publish(a.pub, 10, 12);
    await settle();
    assert.deepEqual(a.got, [10, 11]);
    assert.throws(() => router.faults.drop(1.5), RangeError);
    router.close();
  });
});

describe('fault: delay', () => {
  it('holds messages until the router clock has moved by the delay, then delivers them in order', async () => {
    const clock = new FakeClock();
    const router = new Router({ clock });
    const { pub, got } = await pair(router);
    router.faults.delay(100, { filter: onlyEvents });
    publish(pub, 0, 3);
    await settle();
    clock.advance(50);
    publish(pub, 3, 5);
    await settle();
    assert.deepEqual(got, []);
    clock.advance(49);
    await settle();
    assert.deepEqual(got, []);
    clock.advance(1);
    await settle();
    assert.deepEqual(got, [0, 1, 2], 'the first batch is due');
    clock.advance(50);
    await settle();
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    assert.equal(router.faults.delayed, 5);
    router.close();
  });

  it('delays a seeded fraction; later messages wait behind a delayed one (one stream, no overtaking)', async () => {
    const clock = new FakeClock();
    const router = new Router({ clock });
    const { pub, got } = await pair(router);
    const rule = router.faults.delay(1000, { fraction: 0.3, seed: 3, filter: onlyEvents });
    publish(pub, 0, 100);
    await settle();
    const before = got.length;
    assert.ok(before < 100, 'some wait');
    assert.deepEqual(got, Array.from({ length: before }, (_, i) => i), 'only those before the first delayed one');
    clock.advance(1000);
    await settle();
    assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => i));
    assert.ok(router.faults.delayed > 10 && router.faults.delayed < 50);
    rule.stop();
    assert.equal(router.faults.active, false);
    router.close();
  });
});

describe('fault: pause and resume', () => {
  it('holds traffic both ways, then delivers it in order', async () => {
    const router = new Router();
    const { pub, sub, got } = await pair(router);
    const callee = await router.connect('r');
    await callee.register('p', (args) => args[0]);
    assert.equal(router.pauseSession(sub.id), true);
    publish(pub, 0, 3);
    const answer = sub.call('p', ['late']);
    let answered = false;
    void answer.then(() => (answered = true));
    await settle();
    assert.deepEqual(got, []);
    assert.equal(answered, false, 'the CALL is held too');
    assert.equal(sub.isOpen, true);
    assert.equal(router.sessionCount('r'), 3, 'the session stays');
    publish(pub, 3, 5);
    assert.equal(router.resumeSession(sub.id), true);
    await settle();
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    assert.deepEqual((await answer).args, ['late']);
    assert.equal(router.faults.active, false);
    assert.equal(router.pauseSession(123), false);
    assert.equal(router.resumeSession(123), false);
    router.close();
  });

  it('a paused callee answers after resume', async () => {
    const router = new Router();
    const callee = await router.connect('r');
    const caller = await router.connect('r');
    await callee.register('p', () => 'done');
    router.pauseSession(callee.id);
    let result: unknown;
    void caller.call('p').then((r) => (result = r.args[0]));
    await settle();
    assert.equal(result, undefined);
    router.resumeSession(callee.id);
    await settle();
    assert.equal(result, 'done');
    router.close();
  });

  it('a paused session that closes loses what was held, and the router forgets it', async () => {
    const router = new Router();
    const { pub, sub, got } = await pair(router);
    router.pauseSession(sub.id);
    publish(pub, 0, 3);
    router.killSession(sub.id);
    await settle();
    assert.deepEqual(got, []);
    assert.equal(router.faults.active, false);
    router.close();
  });
});

describe('fault: partition', () => {
  it('drops traffic both ways for the window; sessions stay open', async () => {
    const clock = new FakeClock();
    const router = new Router({ clock });
    const { pub, sub, got } = await pair(router);
    const back: number[] = [];
    await pub.subscribe('u', (args) => void back.push(args[0] as number));
    router.partition([sub.id], { durationMs: 1000 });
    publish(pub, 0, 3);
    sub.publish('u', [1]);
    await settle();
    assert.deepEqual(got, []);
    assert.deepEqual(back, []);
    assert.equal(sub.isOpen, true);
    assert.equal(router.sessionCount('r'), 2);
    clock.advance(999);
    publish(pub, 3, 4);
    await settle();
    assert.deepEqual(got, []);
    clock.advance(1);
    publish(pub, 4, 5);
    sub.publish('u', [2]);
    await settle();
    assert.deepEqual(got, [4], 'what was sent during the partition is gone');
    assert.deepEqual(back, [2]);
    assert.equal(router.faults.active, false);
    router.close();
  });

  it('heal() ends a partition without a duration; clear() lifts every fault', async () => {
    const router = new Router();
    const { pub, sub, got } = await pair(router);
    const cut = router.partition([sub.id]);
    publish(pub, 0, 1);
    await settle();
    cut.heal();
    publish(pub, 1, 2);
    await settle();
    assert.deepEqual(got, [1]);
    router.partition([sub.id]);
    router.faults.drop(1);
    router.pauseSession(pub.id);
    router.faults.clear();
    assert.equal(router.faults.active, false);
    publish(pub, 2, 3);
    await settle();
    assert.deepEqual(got, [1, 2]);
    router.close();
  });
});
