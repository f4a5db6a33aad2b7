// WampPeer against a scripted router: the test plays the router side of an
// in-memory transport and checks exactly what the peer puts on the wire.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSPORT_LOST, WampPeer } from '../../src/wamp/peer.ts';
import { WampError } from '../../src/wamp/session.ts';
import { MemoryTransport } from '../../sim/transport/memory.ts';

class ScriptedRouter {
  readonly received: unknown[][] = [];
  closeReason: string | undefined;
  readonly end: MemoryTransport;
  readonly peerEnd: MemoryTransport;
  #read = 0;
  #wake: (() => void) | undefined;

  constructor() {
    const { client, router } = MemoryTransport.pair();
    this.end = router;
    this.peerEnd = client;
    router.onMessage = (m) => {
      this.received.push(m);
      this.#wake?.();
    };
    router.onClose = (reason) => {
      this.closeReason = reason;
      this.#wake?.();
    };
  }

  async next(): Promise<unknown[]> {
    while (this.#read >= this.received.length) {
      if (this.closeReason !== undefined) throw new Error(`closed: ${this.closeReason}`);
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.received[this.#read++] as unknown[];
  }

  send(message: unknown): void {
    this.end.send(message as unknown[]);
  }

  /** HELLO -> WELCOME; returns the joined peer and the HELLO it sent. */
  async join(sessionId = 77): Promise<{ peer: WampPeer; hello: unknown[] }> {
    const joining = WampPeer.join(this.peerEnd, 'test_realm', { authid: 'me' });
    const hello = await this.next();
    this.send([2, sessionId, { roles: { broker: {}, dealer: {} } }]);
    return { peer: await joining, hello };
  }
}

describe('WampPeer', () => {
  it('says HELLO with its roles and the features OCS relies on', async () => {
    const router = new ScriptedRouter();
    const { peer, hello } = await router.join(4242);
    assert.equal(hello[0], 1);
    assert.equal(hello[1], 'test_realm');
    const details = hello[2] as { roles: Record<string, { features: Record<string, boolean> }>; authid: string };
    assert.equal(details.authid, 'me');
    assert.equal(details.roles.subscriber?.features.pattern_based_subscription, true);
    assert.equal(details.roles.callee?.features.pattern_based_registration, true);
    assert.equal(details.roles.publisher?.features.publisher_exclusion, true);
    assert.ok(details.roles.caller);
    assert.equal(peer.id, 4242);
    assert.equal(peer.realm, 'test_realm');
    assert.equal(peer.isOpen, true);
  });

  it('rejects join with the ABORT reason and message', async () => {
    const router = new ScriptedRouter();
    const joining = WampPeer.join(router.peerEnd, 'nope');
    await router.next();
    router.send([3, { message: 'no realm "nope" exists on this router' }, 'wamp.error.no_such_realm']);
    await assert.rejects(joining, (e: unknown) => e instanceof WampError && e.error === 'wamp.error.no_such_realm' && /no realm "nope"/.test(e.message));
  });

  it('rejects join when the transport closes before WELCOME', async () => {
    const router = new ScriptedRouter();
    const joining = WampPeer.join(router.peerEnd, 'r');
    router.end.close('gone');
    await assert.rejects(joining, (e: unknown) => e instanceof WampError && e.error === TRANSPORT_LOST);
  });

  it('publishes without options or kwargs unless given, with increasing request ids', async () => {
    const router = new ScriptedRouter();
    const { peer } = await router.join();
    peer.publish('a.b', [1]);
    peer.publish('a.b');
    peer.publish('a.b', undefined, { k: 1 }, { exclude_me: false });
    const [first, second, third] = [await router.next(), await router.next(), await router.next()];
    assert.deepEqual(first, [16, first?.[1], {}, 'a.b', [1]]);
    assert.deepEqual(second, [16, (first?.[1] as number) + 1, {}, 'a.b']);
    assert.deepEqual(third, [16, (first?.[1] as number) + 2, { exclude_me: false }, 'a.b', [], { k: 1 }]);
    const acknowledged = peer.publishAcknowledged('a.b', [2]);
    const publish = await router.next();
    assert.deepEqual(publish[2], { acknowledge: true });
    router.send([17, publish[1], 99]);
    assert.equal(await acknowledged, 99);
  });

  it('sends match options and dispatches EVENTs by subscription id', async () => {
    const router = new ScriptedRouter();
    const { peer } = await router.join();
    const got: unknown[] = [];
    const subscribing = peer.subscribe('observatory..feeds.heartbeat', (args, kwargs, details) => got.push([args, kwargs, details]), { match: 'wildcard' });
    const subscribe = await router.next();
    assert.deepEqual(subscribe, [32, subscribe[1], { match: 'wildcard' }, 'observatory..feeds.heartbeat']);
    // SUBSCRIBED and an EVENT in the same delivery batch: the handler must already be in place.
    router.send([33, subscribe[1], 5]);
    router.send([36, 5, 1, { topic: 'observatory.x.feeds.heartbeat' }, [[{}, {}]]]);
    router.send([36, 6, 2, {}, [1]]); // unknown subscription: ignored
    const subscription = await subscribing;
    assert.equal(subscription.id, 5);
    assert.deepEqual(got, [[[[{}, {}]], {}, { publication: 1, topic: 'observatory.x.feeds.heartbeat', publisher: undefined }]]);
    const unsubscribing = subscription.unsubscribe();
    const unsubscribe = await router.next();
    assert.deepEqual(unsubscribe, [34, unsubscribe[1], 5]);
    router.send([35, unsubscribe[1]]);
    await unsubscribing;
  });

  it('answers an INVOCATION for an unknown registration with no_such_registration', async () => {
    const router = new ScriptedRouter();
    await router.join();
    router.send([68, 3, 999, {}, []]);
    assert.deepEqual(await router.next(), [8, 68, 3, {}, 'wamp.error.no_such_registration']);
  });

  it('aborts with protocol_violation on a malformed or mismatched router message, failing what is pending', async () => {
    const router = new ScriptedRouter();
    const { peer } = await router.join();
    const calling = peer.call('a.b');
    const call = await router.next();
    router.send([33, call[1], 5]); // SUBSCRIBED for a CALL
    await assert.rejects(calling, (e: unknown) => e instanceof WampError && e.error === 'wamp.error.protocol_violation');
    const abort = await router.next();
    assert.equal(abort[0], 3);
    assert.equal(abort[2], 'wamp.error.protocol_violation');
    assert.match(String((abort[1] as { message: string }).message), /SUBSCRIBED received for request/);
    assert.equal(peer.isOpen, false);

    const router2 = new ScriptedRouter();
    const { peer: peer2 } = await router2.join();
    router2.send([36, 'x']);
    assert.equal((await router2.next())[2], 'wamp.error.protocol_violation');
    assert.equal(peer2.isOpen, false);
  });

  it('answers a router GOODBYE and ends with its reason', async () => {
    const router = new ScriptedRouter();
    const { peer } = await router.join();
    const closed = new Promise<string>((resolve) => peer.onClose(resolve));
    const pending = peer.call('a.b');
    await router.next();
    router.send([6, {}, 'wamp.close.system_shutdown']);
    assert.deepEqual(await router.next(), [6, {}, 'wamp.close.goodbye_and_out']);
    assert.equal(await closed, 'wamp.close.system_shutdown');
    await assert.rejects(pending, (e: unknown) => e instanceof WampError && e.error === 'wamp.close.system_shutdown');
  });

  it('logs the first event handler error once and counts all of them', async () => {
    const router = new ScriptedRouter();
    const { peer } = await router.join();
    const subscribing = peer.subscribe('a.b', () => {
      throw new Error('handler bug');
    });
    const subscribe = await router.next();
    router.send([33, subscribe[1], 5]);
    await subscribing;
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      router.send([36, 5, 1, {}]);
      router.send([36, 5, 2, {}]);
      peer.publish('x.y');
      await router.next();
    } finally {
      console.error = original;
    }
    assert.equal(peer.stats.handlerErrors, 2);
    assert.equal(logged.length, 1);
    assert.ok(peer.isOpen);
  });
});
