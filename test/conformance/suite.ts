// Router behaviours OCS relies on, written once and run against the
// simulator and against a real crossbar: where they differ, crossbar is right
// and the simulator follows it. Both run OCS's test config (roles iocs_agent
// on /ws and iocs_controller on /call, realm test_realm, prefix observatory.).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WampPeer } from '../../src/wamp/peer.ts';
import { type Args, type EventDetails, WampError, type WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { cbor, msgpack } from '../../src/wamp/serializers/index.ts';
import { withInvalidUtf8 } from '../support/spoiled.ts';

export interface RouterUnderTest {
  /** ws://…/ws */
  wsUrl: string;
  /** http://… (the bridge is at /call) */
  httpUrl: string;
  close(): Promise<void>;
}

const REALM = 'test_realm';

/** Resolves with the next event the handler list sees (no sleeping: events are awaited). */
function nextEvents(count: number): { handler: (args: Args, kwargs: unknown, details: EventDetails) => void; done: Promise<EventDetails[]> } {
  const seen: EventDetails[] = [];
  let resolve!: (d: EventDetails[]) => void;
  const done = new Promise<EventDetails[]>((r) => (resolve = r));
  return {
    handler: (_args, _kwargs, details) => {
      seen.push(details);
      if (seen.length === count) resolve(seen);
    },
    done,
  };
}

async function rejection(promise: Promise<unknown>): Promise<WampError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof WampError, `expected a WampError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

export function routerConformance(name: string, start: () => Promise<RouterUnderTest>, options: { skip?: string | false } = {}): void {
  describe(`router conformance: ${name}`, { skip: options.skip }, () => {
    let router: RouterUnderTest;
    let a: WampSession;
    let b: WampSession;
    const join = async () => WampPeer.join(await WebSocketTransport.connect(router.wsUrl), REALM);
    const bridge = (body: string, init: RequestInit = {}) => fetch(`${router.httpUrl}/call`, { method: 'POST', body, ...init });

    before(async () => {
      router = await start();
      a = await join();
      b = await join();
    });
    after(async () => {
      await a?.leave().catch(() => {});
      await b?.leave().catch(() => {});
      await router?.close();
    });

    it('a wildcard subscription gets the concrete topic, only for the same number of components', async () => {
      const events = nextEvents(1);
      await b.subscribe('observatory..feeds.heartbeat', events.handler, { match: 'wildcard' });
      a.publish('observatory.a.b.feeds.heartbeat', [1]); // five components: no match
      a.publish('observatory.fake-data1.feeds.heartbeat', [2]);
      const [details] = await events.done;
      assert.equal(details?.topic, 'observatory.fake-data1.feeds.heartbeat');
    });

    it('a prefix subscription gets the concrete topic', async () => {
      const events = nextEvents(1);
      await b.subscribe('observatory.prefix.', events.handler, { match: 'prefix' });
      a.publish('observatory.prefix.x.y', []);
      assert.equal((await events.done)[0]?.topic, 'observatory.prefix.x.y');
    });

    it('excludes the publisher by default, and not with exclude_me false', async () => {
      const self = nextEvents(1);
      await a.subscribe('observatory.self', self.handler);
      await a.publishAcknowledged('observatory.self', ['excluded']);
      await a.publishAcknowledged('observatory.self', ['included'], {}, { exclude_me: false });
      assert.equal((await self.done).length, 1);
    });

    it('routes a call to its callee and back, args and kwargs', async () => {
      await a.register('observatory.echo', (args, kwargs) => ({ args, kwargs }));
      const result = await b.call('observatory.echo', [1, 'two'], { three: 3 });
      assert.deepEqual(result.args, [{ args: [1, 'two'], kwargs: { three: 3 } }]);
    });

    it("answers an unknown procedure with no_such_procedure and crossbar's text", async () => {
      const err = await rejection(b.call('observatory.nobody.home'));
      assert.equal(err.error, 'wamp.error.no_such_procedure');
      assert.deepEqual(err.args, ['no callee registered for procedure <observatory.nobody.home>']);
    });

    it('refuses a second registration of the same procedure', async () => {
      await a.register('observatory.taken', () => 1);
      const err = await rejection(b.register('observatory.taken', () => 2));
      assert.equal(err.error, 'wamp.error.procedure_already_exists');
    });

    it("shared registration 'last': the newest callee answers; when it leaves, the one before it does", async () => {
      const c = await join();
      try {
        await a.register('observatory.shared.last', () => 'a', { invoke: 'last' });
        await c.register('observatory.shared.last', () => 'c', { invoke: 'last' });
        assert.equal((await b.call('observatory.shared.last')).args[0], 'c');
        await c.leave();
        assert.equal((await b.call('observatory.shared.last')).args[0], 'a');
      } finally {
        await c.leave().catch(() => {});
      }
    });

    it("shared registration 'first' and 'roundrobin': the oldest callee, or each in turn", async () => {
      const c = await join();
      try {
        await a.register('observatory.shared.first', () => 'a', { invoke: 'first' });
        await c.register('observatory.shared.first', () => 'c', { invoke: 'first' });
        assert.equal((await b.call('observatory.shared.first')).args[0], 'a');
        await a.register('observatory.shared.rr', () => 'a', { invoke: 'roundrobin' });
        await c.register('observatory.shared.rr', () => 'c', { invoke: 'roundrobin' });
        const answers = [];
        for (let i = 0; i < 4; i++) answers.push((await b.call('observatory.shared.rr')).args[0]);
        assert.deepEqual(answers, ['a', 'c', 'a', 'c']);
        await a.register('observatory.shared.random', () => 'a', { invoke: 'random' });
        await c.register('observatory.shared.random', () => 'c', { invoke: 'random' });
        const seen = new Set<unknown>();
        for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await b.call('observatory.shared.random')).args[0]);
        assert.deepEqual([...seen].sort(), ['a', 'c'], 'random reaches both (40 tries)');
      } finally {
        await c.leave().catch(() => {});
      }
    });

    it("shared registration: a conflicting policy gets crossbar's error and text; single stays single", async () => {
      await a.register('observatory.shared.policy', () => 1, { invoke: 'last' });
      const conflict = await rejection(b.register('observatory.shared.policy', () => 2, { invoke: 'first' }));
      assert.equal(conflict.error, 'wamp.error.procedure_exists_with_different_invocation_policy');
      assert.deepEqual(conflict.args, [
        "register for already registered procedure 'observatory.shared.policy' with conflicting invocation policy (has last and first was requested)",
      ]);
      const single = await rejection(b.register('observatory.shared.policy', () => 2));
      assert.equal(single.error, 'wamp.error.procedure_exists_with_different_invocation_policy');
      await a.register('observatory.shared.single', () => 1);
      const onSingle = await rejection(b.register('observatory.shared.single', () => 2, { invoke: 'last' }));
      assert.equal(onSingle.error, 'wamp.error.procedure_already_exists');
      assert.deepEqual(onSingle.args, ["register for already registered procedure 'observatory.shared.single'"]);
    });

    it("passes a callee's error to the caller", async () => {
      await a.register('observatory.fails', () => {
        throw new WampError('observatory.error.custom', ['why'], { detail: 1 });
      });
      const err = await rejection(b.call('observatory.fails'));
      assert.equal(err.error, 'observatory.error.custom');
      assert.deepEqual(err.args, ['why']);
      assert.deepEqual(err.kwargs, { detail: 1 });
    });

    it('refuses what the role does not allow: not_authorized', async () => {
      const err = await rejection(b.register('elsewhere.proc', () => 1));
      assert.equal(err.error, 'wamp.error.not_authorized');
      const pub = await rejection(b.publishAcknowledged('elsewhere.topic', []));
      assert.equal(pub.error, 'wamp.error.not_authorized');
    });

    it('refuses the WAMP meta API to OCS roles (they only allow observatory.): not_authorized', async () => {
      for (const [procedure, args] of [['wamp.session.count', []], ['wamp.session.get', [a.id]], ['wamp.registration.lookup', ['observatory.echo']]] as const) {
        const err = await rejection(a.call(procedure, [...args]));
        assert.equal(err.error, 'wamp.error.not_authorized', procedure);
        assert.match(
          String(err.args[0]),
          new RegExp(
            `^session \\(session_id=${a.id}, authid="[^"]*", authrole="iocs_agent"\\) is not authorized to call procedure "${procedure}" on realm "test_realm"$`,
          ),
        );
      }
      const sub = await rejection(a.subscribe('wamp.session.on_join', () => {}));
      assert.equal(sub.error, 'wamp.error.not_authorized');
      assert.match(String(sub.args[0]), /is not authorized to subscribe to topic "wamp.session.on_join" on realm "test_realm"$/);
      const viaBridge = await bridge(JSON.stringify({ procedure: 'wamp.session.count', args: [] }), { headers: { 'content-type': 'application/json' } });
      assert.equal(viaBridge.status, 200);
      const body = await viaBridge.json();
      assert.equal(body.error, 'wamp.error.not_authorized');
      assert.match(String(body.args[0]), /authrole="iocs_controller"\) is not authorized to call procedure "wamp.session.count"/);
    });

    it("HTTP bridge: a result, a WAMP error, and crossbar's status codes", async () => {
      await a.register('observatory.bridge', (args) => ({ got: args }));
      const json = { 'content-type': 'application/json' };
      const ok = await bridge(JSON.stringify({ procedure: 'observatory.bridge', args: [7], kwargs: {} }), { headers: json });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { args: [{ got: [7] }] });

      const none = await bridge(JSON.stringify({ procedure: 'observatory.none', args: [] }), { headers: json });
      assert.equal(none.status, 200);
      assert.deepEqual(await none.json(), {
        error: 'wamp.error.no_such_procedure',
        args: ['no callee registered for procedure <observatory.none>'],
        kwargs: {},
      });

      const noProcedure = await bridge(JSON.stringify({ args: [] }), { headers: { 'content-type': 'application/json' } });
      assert.equal(noProcedure.status, 400);
      assert.equal(typeof (await noProcedure.json()).error, 'string');
      // Only JSON (or no type, as Python's OCSClient sends) is accepted; fetch labels a string text/plain.
      for (const type of ['application/x-www-form-urlencoded', 'text/plain;charset=UTF-8']) {
        const refused = await bridge('{"procedure":"observatory.bridge"}', { headers: { 'content-type': type } });
        assert.equal(refused.status, 400, type);
        await refused.body?.cancel();
      }
      const get = await fetch(`${router.httpUrl}/call`);
      assert.equal(get.status, 405);
      await get.body?.cancel();
    });

    it('a message over the 16 MiB limit costs its sender the connection; a callee cut off this way fails the call', async () => {
      // Our transport would refuse to send it (it knows the limit): this one does not, as a careless client would.
      const careless = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl, { maxMessageBytes: 0 }), REALM);
      const closed = new Promise<string>((resolve) => careless.onClose(resolve));
      const huge = 'x'.repeat(2 ** 24 + 1024);
      await careless.register('observatory.conformance.huge', () => huge);
      const failure = await rejection(a.call('observatory.conformance.huge'));
      await closed;
      assert.equal(careless.isOpen, false, 'the callee was disconnected');
      assert.equal(failure.error, 'wamp.error.canceled', failure.args.join(' '));
      // Everyone else carries on.
      const echo = await b.register('observatory.conformance.after_huge', (args) => args[0]);
      assert.equal((await a.call('observatory.conformance.after_huge', ['ok'])).args[0], 'ok');
      await echo.unregister();
    });

    for (const serializer of [msgpack, cbor]) {
      it(`an invalid UTF-8 string in ${serializer.protocol} costs its sender the connection; nobody gets it`, async () => {
        const got: unknown[] = [];
        const subscription = await b.subscribe('observatory.conformance.utf8', (args) => void got.push(args));
        const sender = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl, { serializers: [withInvalidUtf8(serializer)] }), REALM);
        const closed = new Promise<string>((resolve) => sender.onClose(resolve));
        sender.publish('observatory.conformance.utf8', ['BADUTF8']);
        await closed;
        a.publish('observatory.conformance.utf8', ['fine']);
        await a.publishAcknowledged('observatory.conformance.utf8', ['fine']);
        await b.call('wamp.session.count').catch(() => {}); // one round trip to b: what was routed to it has arrived
        assert.deepEqual(got.filter((g) => JSON.stringify(g).includes('UTF')), []);
        await subscription.unsubscribe();
      });
    }

    it('a result just under the limit still goes through', async () => {
      const big = 'y'.repeat(2 ** 24 - 4096);
      const registration = await b.register('observatory.conformance.big', () => big);
      assert.equal(((await a.call('observatory.conformance.big')).args[0] as string).length, big.length);
      await registration.unregister();
    });

    it("the nodeinfo page answers 200 (OCS's readiness probe)", async () => {
      const info = await fetch(`${router.httpUrl}/info`);
      assert.equal(info.status, 200);
      await info.body?.cancel();
    });
  });
}
