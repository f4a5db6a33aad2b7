import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { CallResult, type InvocationDetails, WampError } from '../../src/wamp/session.ts';
import { RawClient } from './raw-client.ts';
import { settle } from '../support/settle.ts';

const isWampError = (uri: string, text?: RegExp) => (e: unknown): boolean =>
  e instanceof WampError && e.error === uri && (text === undefined || text.test(String(e.args[0])));

describe('dealer', () => {
  it('routes CALL -> INVOCATION -> YIELD -> RESULT; a plain return value is one positional result', async () => {
    const router = new Router();
    const agent = await router.connect('test_realm');
    const client = await router.connect('test_realm');
    const seen: Array<{ args: unknown[]; kwargs: Record<string, unknown>; details: InvocationDetails }> = [];
    await agent.register('observatory.fake-data1.ops', (args, kwargs, details) => {
      seen.push({ args, kwargs, details });
      return [0, 'Session active.', { op_code: 3 }];
    });
    const result = await client.call('observatory.fake-data1.ops', ['status', 'acq'], { params: {} });
    assert.ok(result instanceof CallResult);
    assert.deepEqual(result.args, [[0, 'Session active.', { op_code: 3 }]]);
    assert.deepEqual(result.kwargs, {});
    assert.deepEqual(seen[0]?.args, ['status', 'acq']);
    assert.deepEqual(seen[0]?.kwargs, { params: {} });
    assert.equal(seen[0]?.details.procedure, undefined, 'exact registrations are not told the procedure');
    router.close();
  });

  it('sends CallResult args/kwargs as they are, awaits Promises, and sends null for undefined', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    await agent.register('a.multi', () => new CallResult([1, 2], { k: 'v' }));
    await agent.register('a.later', async (args) => (args[0] as number) * 2);
    await agent.register('a.nothing', () => undefined);
    await agent.register('a.none', () => new CallResult());
    assert.deepEqual(await client.call('a.multi'), new CallResult([1, 2], { k: 'v' }));
    assert.deepEqual((await client.call('a.later', [21])).args, [42]);
    assert.deepEqual((await client.call('a.nothing')).args, [null]);
    assert.deepEqual(await client.call('a.none'), new CallResult([], {}));
    router.close();
  });

  it("answers a call nobody registered with no_such_procedure and crossbar's text", async () => {
    const router = new Router();
    const client = await router.connect('r');
    await assert.rejects(client.call('observatory.nobody'), (e: unknown) =>
      e instanceof WampError && e.error === 'wamp.error.no_such_procedure' &&
      e.args[0] === 'no callee registered for procedure <observatory.nobody>');
    await assert.rejects(client.call('bad..uri'), isWampError('wamp.error.invalid_uri'));
    router.close();
  });

  it('refuses a second registration of a procedure with procedure_already_exists', async () => {
    const router = new Router();
    const first = await router.connect('r');
    const second = await router.connect('r');
    await first.register('observatory.registry', () => 1);
    await assert.rejects(
      second.register('observatory.registry', () => 2),
      isWampError('wamp.error.procedure_already_exists', /already registered procedure 'observatory.registry'/),
    );
    // The same URI under another match policy is another registration.
    await second.register('observatory.registry', () => 2, { match: 'prefix' });
    assert.deepEqual((await first.call('observatory.registry')).args, [1], 'exact wins');
    assert.deepEqual((await first.call('observatory.registry.ops')).args, [2]);
    router.close();
  });

  it('turns a thrown Error into runtime_error with the message, and forwards a thrown WampError', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    await agent.register('a.crash', () => {
      throw new Error('boom');
    });
    await agent.register('a.reject', () => Promise.reject(new Error('late boom')));
    await agent.register('a.refuse', () => {
      throw new WampError('ocs.error.refused', ['no'], { code: 7 });
    });
    await assert.rejects(client.call('a.crash'), (e: unknown) => e instanceof WampError && e.error === 'wamp.error.runtime_error' && e.args[0] === 'boom');
    await assert.rejects(client.call('a.reject'), isWampError('wamp.error.runtime_error', /^late boom$/));
    await assert.rejects(
      client.call('a.refuse'),
      (e: unknown) => e instanceof WampError && e.error === 'ocs.error.refused' && e.args[0] === 'no' && (e.kwargs as { code?: number }).code === 7,
    );
    assert.ok(agent.isOpen && client.isOpen);
    router.close();
  });

  it('tells prefix and wildcard callees the concrete procedure', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    await agent.register('observatory.', (_a, _k, details) => `prefix ${details.procedure}`, { match: 'prefix' });
    await agent.register('observatory..ops', (_a, _k, details) => `wildcard ${details.procedure}`, { match: 'wildcard' });
    assert.deepEqual((await client.call('observatory.x.ops')).args, ['prefix observatory.x.ops'], 'prefix beats wildcard, as in crossbar');
    router.close();
    const router2 = new Router();
    const agent2 = await router2.connect('r');
    await agent2.register('observatory..ops', (_a, _k, details) => `wildcard ${details.procedure}`, { match: 'wildcard' });
    const client2 = await router2.connect('r');
    assert.deepEqual((await client2.call('observatory.y.ops')).args, ['wildcard observatory.y.ops']);
    router2.close();
  });

  it('fails calls in flight with wamp.error.canceled when the callee leaves (crossbar: "callee disconnected from in-flight request")', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    let started!: () => void;
    const invoked = new Promise<void>((resolve) => (started = resolve));
    await agent.register('a.slow', () => {
      started();
      return new Promise(() => {}); // never settles
    });
    const call = client.call('a.slow');
    await invoked;
    assert.equal(router.killSession(agent.id), true);
    await assert.rejects(
      call,
      (e: unknown) => e instanceof WampError && e.error === 'wamp.error.canceled' && e.args[0] === 'callee disconnected from in-flight request',
    );
    await assert.rejects(client.call('a.slow'), isWampError('wamp.error.no_such_procedure'), 'the registration went with the callee');
    assert.ok(client.isOpen);
    router.close();
  });

  it('unregisters, and refuses to unregister what is not yours', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    const registration = await agent.register('a.b', () => 1);
    const raw = new RawClient(router);
    await raw.join('r');
    raw.send([66, 1, registration.id]);
    assert.deepEqual(await raw.next(), [8, 66, 1, {}, 'wamp.error.no_such_registration']);
    await registration.unregister();
    await assert.rejects(client.call('a.b'), isWampError('wamp.error.no_such_procedure'));
    router.close();
  });

  it('refuses to register wamp.* and crossbar.* procedures', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    await assert.rejects(agent.register('wamp.session.count', () => 1), isWampError('wamp.error.invalid_uri', /restricted/));
    await assert.rejects(agent.register('crossbar.x', () => 1), isWampError('wamp.error.invalid_uri', /restricted/));
    router.close();
  });

  it('refuses what the authorize hook denies with not_authorized', async () => {
    const router = new Router({ authorize: (s, action) => s.authrole !== 'guest' || action === 'subscribe' });
    const agent = await router.connect('r', { authrole: 'iocs_agent' });
    const guest = await router.connect('r', { authrole: 'guest' });
    await agent.register('a.b', () => 1);
    await assert.rejects(guest.register('a.c', () => 1), isWampError('wamp.error.not_authorized', /not authorized to register procedure "a.c"/));
    await assert.rejects(guest.call('a.b'), isWampError('wamp.error.not_authorized', /not authorized to call procedure "a.b" on realm "r"/));
    await assert.rejects(guest.call('a.unknown'), isWampError('wamp.error.not_authorized'), 'authorization comes first, as in crossbar');
    router.close();
  });

  it('answers CANCEL with wamp.error.canceled and ignores the late YIELD', async () => {
    const router = new Router();
    const agent = new RawClient(router);
    await agent.join('r');
    agent.send([64, 1, {}, 'a.slow']);
    const registered = await agent.next();
    const caller = new RawClient(router);
    await caller.join('r');
    caller.send([48, 5, {}, 'a.slow', [1]]);
    const invocation = await agent.next();
    assert.deepEqual(invocation.slice(0, 4), [68, invocation[1], registered[2], {}]);
    caller.send([49, 5, {}]);
    assert.deepEqual(await caller.next(), [8, 48, 5, {}, 'wamp.error.canceled', ['call canceled by the caller']]);
    agent.send([70, invocation[1], {}, ['late']]);
    caller.send([48, 6, {}, 'wamp.session.count']);
    assert.deepEqual(await caller.next(), [50, 6, {}, [2]], 'no RESULT for the canceled call came first');
    router.close();
  });
});

describe('dealer: shared registrations (crossbar invoke policies)', () => {
  it('keeps a shared registration while any callee holds it, with one id; the meta API lists the callees in order', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const admin = await router.connect('r');
    const first = await a.register('x.shared', () => 'a', { invoke: 'last' });
    const second = await b.register('x.shared', () => 'b', { invoke: 'last' });
    assert.equal(first.id, second.id, 'one registration, two callees');
    assert.deepEqual((await admin.call('wamp.registration.list_callees', [first.id])).args, [[a.id, b.id]]);
    assert.equal(((await admin.call('wamp.registration.get', [first.id])).args[0] as { invoke: string }).invoke, 'last');
    await second.unregister();
    assert.equal((await admin.call('x.shared')).args[0], 'a');
    await first.unregister();
    await assert.rejects(admin.call('x.shared'), isWampError('wamp.error.no_such_procedure'));
    router.close();
  });

  it('fails a call in flight on a callee that leaves; the next call goes to the one left', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const client = await router.connect('r');
    await a.register('x.stall', () => 'a', { invoke: 'last' });
    await b.register('x.stall', () => new Promise(() => {}), { invoke: 'last' });
    const pending = client.call('x.stall');
    await settle(); // the INVOCATION reaches b
    router.killSession(b.id);
    await assert.rejects(pending, isWampError('wamp.error.canceled'));
    assert.equal((await client.call('x.stall')).args[0], 'a');
    router.close();
  });

  it('aborts a REGISTER with an unknown invoke policy as a protocol violation, as autobahn-python does', async () => {
    const router = new Router();
    const raw = new RawClient(router);
    await raw.join('r');
    raw.send([64, 1, { invoke: 'sometimes' }, 'x.bad']);
    const abort = await raw.next();
    assert.equal(abort[0], 3);
    assert.equal(abort[2], 'wamp.error.protocol_violation');
    router.close();
  });
});
