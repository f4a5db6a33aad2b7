import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import type { Args, EventDetails, Kwargs } from '../../src/wamp/session.ts';
import { WampError } from '../../src/wamp/session.ts';
import { barrier, RawClient } from './raw-client.ts';

interface Received {
  args: Args;
  kwargs: Kwargs;
  details: EventDetails;
}

function recorder(): { events: Received[]; handler: (args: Args, kwargs: Kwargs, details: EventDetails) => void } {
  const events: Received[] = [];
  return { events, handler: (args, kwargs, details) => void events.push({ args, kwargs, details }) };
}

const HEARTBEAT = [[
  { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 },
  {
    agent_address: 'observatory.fake-data1',
    agg_params: {},
    feed_name: 'heartbeat',
    address: 'observatory.fake-data1.feeds.heartbeat',
    record: false,
    session_id: '1700000000.123',
    agent_class: 'FakeDataAgent',
  },
]];

describe('broker', () => {
  it('delivers a heartbeat to a wildcard subscriber with details.topic', async () => {
    const router = new Router();
    const registry = await router.connect('test_realm');
    const agent = await router.connect('test_realm');
    const { events, handler } = recorder();
    await registry.subscribe('observatory..feeds.heartbeat', handler, { match: 'wildcard' });
    agent.publish('observatory.fake-data1.feeds.heartbeat', HEARTBEAT);
    agent.publish('observatory.a.b.feeds.heartbeat', HEARTBEAT); // 5 components: not matched
    agent.publish('observatory.fake-data1.feeds.temps', [[{}, {}]]);
    await barrier(agent);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]?.args, HEARTBEAT);
    assert.deepEqual(events[0]?.kwargs, {});
    assert.equal(events[0]?.details.topic, 'observatory.fake-data1.feeds.heartbeat');
    assert.equal(typeof events[0]?.details.publication, 'number');
    assert.equal(events[0]?.details.publisher, undefined, 'publisher not disclosed');
    router.close();
  });

  it('matches an empty last wildcard component (the aggregator pattern) and prefixes', async () => {
    const router = new Router();
    const aggregator = await router.connect('test_realm');
    const agent = await router.connect('test_realm');
    const feeds = recorder();
    const prefix = recorder();
    await aggregator.subscribe('observatory..feeds.', feeds.handler, { match: 'wildcard' });
    await aggregator.subscribe('observatory.fake', prefix.handler, { match: 'prefix' });
    agent.publish('observatory.fake-data1.feeds.temps', [1]);
    agent.publish('observatory.fake-data1.feeds', [2]);
    agent.publish('observatory.other.x', [3]);
    await barrier(agent);
    assert.deepEqual(feeds.events.map((e) => e.details.topic), ['observatory.fake-data1.feeds.temps']);
    assert.deepEqual(prefix.events.map((e) => e.args[0]), [1, 2]);
    assert.equal(prefix.events[0]?.details.topic, 'observatory.fake-data1.feeds.temps');
    router.close();
  });

  it('gives exact subscriptions no topic in details', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const { events, handler } = recorder();
    await a.subscribe('observatory.registry.feeds.agent_operations', handler);
    b.publish('observatory.registry.feeds.agent_operations', [1], { k: 'v' });
    await barrier(b);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]?.kwargs, { k: 'v' });
    assert.equal(events[0]?.details.topic, undefined);
    router.close();
  });

  it('excludes the publisher by default, includes it with exclude_me: false', async () => {
    const router = new Router();
    const self = await router.connect('r');
    const other = await router.connect('r');
    const mine = recorder();
    const theirs = recorder();
    await self.subscribe('a.b', mine.handler);
    await other.subscribe('a.b', theirs.handler);
    self.publish('a.b', [1]);
    self.publish('a.b', [2], undefined, { exclude_me: false });
    await self.publishAcknowledged('a.b', [3]);
    await self.publishAcknowledged('a.b', [4], undefined, { exclude_me: false });
    await barrier(self);
    assert.deepEqual(mine.events.map((e) => e.args[0]), [2, 4]);
    assert.deepEqual(theirs.events.map((e) => e.args[0]), [1, 2, 3, 4]);
    router.close();
  });

  it('shares one subscription id per topic and match among sessions, as crossbar does', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const s1 = await a.subscribe('observatory..feeds.heartbeat', () => {}, { match: 'wildcard' });
    const s2 = await b.subscribe('observatory..feeds.heartbeat', () => {}, { match: 'wildcard' });
    const s3 = await b.subscribe('observatory..feeds.heartbeat', () => {}, { match: 'prefix' }).catch((e: WampError) => e);
    const s4 = await b.subscribe('observatory.', () => {}, { match: 'prefix' });
    const s5 = await a.subscribe('observatory.', () => {}, { match: 'prefix' });
    await assert.rejects(a.subscribe('observatory.', () => {}), (e: WampError) => e.error === 'wamp.error.invalid_uri');
    assert.equal(s1.id, s2.id);
    assert.ok(s3 instanceof WampError && s3.error === 'wamp.error.invalid_uri', 'empty inner component is invalid for prefix');
    assert.notEqual(s4.id, s1.id);
    assert.equal(s5.id, s4.id);
    assert.equal(s5.topic, 'observatory.');
    router.close();
  });

  it('delivers each event once to a session subscribed twice with two handlers', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const first = recorder();
    const second = recorder();
    const s1 = await a.subscribe('t.x', first.handler);
    const s2 = await a.subscribe('t.x', second.handler);
    assert.equal(s1.id, s2.id);
    b.publish('t.x', [1]);
    await barrier(b);
    await s1.unsubscribe();
    b.publish('t.x', [2]);
    await barrier(b);
    await s2.unsubscribe();
    b.publish('t.x', [3]);
    await barrier(b);
    assert.deepEqual(first.events.map((e) => e.args[0]), [1]);
    assert.deepEqual(second.events.map((e) => e.args[0]), [1, 2]);
    router.close();
  });

  it('stops delivering after unsubscribe, and rejects an unknown subscription', async () => {
    const router = new Router();
    const sub = new RawClient(router);
    await sub.join('r');
    const pub = await router.connect('r');
    sub.send([32, 1, {}, 'a.b']);
    const subscribed = await sub.next();
    assert.equal(subscribed[0], 33);
    sub.send([34, 2, subscribed[2]]);
    assert.deepEqual(await sub.next(), [35, 2]);
    sub.send([34, 3, subscribed[2]]);
    assert.deepEqual(await sub.next(), [8, 34, 3, {}, 'wamp.error.no_such_subscription']);
    pub.publish('a.b', [1]);
    await barrier(pub);
    sub.send([32, 4, {}, 'a.c']);
    assert.equal((await sub.next())[0], 33, 'the next message is the SUBSCRIBED, no EVENT came before it');
    router.close();
  });

  it('acknowledges a publication with its id, before the events go out', async () => {
    const router = new Router();
    const pub = new RawClient(router);
    await pub.join('r');
    const sub = await router.connect('r');
    const { events, handler } = recorder();
    await sub.subscribe('a.b', handler);
    pub.send([16, 7, { acknowledge: true, exclude_me: false }, 'a.b', [1]]);
    const published = await pub.next();
    assert.equal(published[0], 17);
    assert.equal(published[1], 7);
    await barrier(sub);
    assert.equal(events[0]?.details.publication, published[2]);
    router.close();
  });

  it('answers an acknowledged publish to an invalid or restricted topic with invalid_uri, an unacknowledged one silently', async () => {
    const router = new Router();
    const pub = await router.connect('r');
    pub.publish('bad..topic', [1]);
    pub.publish('wamp.session.on_join', [1]);
    await assert.rejects(
      pub.publishAcknowledged('bad..topic'),
      (e: WampError) => e.error === 'wamp.error.invalid_uri' && /invalid topic URI 'bad..topic'/.test(e.message),
    );
    await assert.rejects(
      pub.publishAcknowledged('wamp.session.on_join'),
      (e: WampError) => e.error === 'wamp.error.invalid_uri' && /restricted/.test(e.message),
    );
    await assert.rejects(pub.subscribe('bad topic', () => {}), (e: WampError) => e.error === 'wamp.error.invalid_uri');
    assert.ok(pub.isOpen);
    router.close();
  });

  it('discloses the publisher only when asked (disclose_me)', async () => {
    const router = new Router();
    const pub = new RawClient(router);
    const pubId = await pub.join('r');
    const sub = await router.connect('r');
    const { events, handler } = recorder();
    await sub.subscribe('a.', handler, { match: 'prefix' });
    pub.send([16, 1, { disclose_me: true }, 'a.b', [1]]);
    pub.send([16, 2, { acknowledge: true }, 'a.b', [2]]);
    await pub.next();
    await barrier(sub);
    assert.equal(events[0]?.details.publisher, pubId);
    assert.equal(events[1]?.details.publisher, undefined);
    router.close();
  });

  it('refuses what the authorize hook denies with not_authorized', async () => {
    const router = new Router({
      authorize: (session, action, uri) => !(session.authrole === 'guest' && (action === 'subscribe' || action === 'publish') && uri.startsWith('secret.')),
    });
    const guest = await router.connect('r', { authrole: 'guest' });
    const agent = await router.connect('r', { authrole: 'iocs_agent' });
    const { events, handler } = recorder();
    await assert.rejects(guest.subscribe('secret.x', handler), (e: WampError) => e.error === 'wamp.error.not_authorized' && /authrole="guest"/.test(e.message));
    await agent.subscribe('secret.x', handler);
    await assert.rejects(guest.publishAcknowledged('secret.x', [1]), (e: WampError) => e.error === 'wamp.error.not_authorized');
    guest.publish('secret.x', [2]);
    await barrier(guest);
    assert.equal(events.length, 0);
    assert.equal(router.stats.notAuthorized, 3);
    router.authorize = undefined;
    await guest.publishAcknowledged('secret.x', [3]);
    await barrier(guest);
    assert.deepEqual(events.map((e) => e.args[0]), [3]);
    router.close();
  });

  it('keeps delivering to a subscriber whose handler throws, and counts the errors', async () => {
    const router = new Router();
    const errors: unknown[] = [];
    const sub = await router.connect('r', { onHandlerError: (e) => errors.push(e) });
    const pub = await router.connect('r');
    let calls = 0;
    await sub.subscribe('a.b', () => {
      calls++;
      throw new Error('handler bug');
    });
    pub.publish('a.b', [1]);
    pub.publish('a.b', [2]);
    await barrier(pub);
    assert.equal(calls, 2);
    assert.equal(errors.length, 2);
    assert.equal(sub.stats.handlerErrors, 2);
    assert.ok(sub.isOpen);
    router.close();
  });
});
