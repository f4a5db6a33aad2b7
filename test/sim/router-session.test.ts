import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { TRANSPORT_LOST } from '../../src/wamp/peer.ts';
import { type Args, WampError } from '../../src/wamp/session.ts';
import { barrier, RawClient } from './raw-client.ts';

describe('router sessions', () => {
  it('welcomes a session with a random id, the realm and authrole from the transport (default anonymous)', async () => {
    const router = new Router();
    const raw = new RawClient(router);
    raw.send([1, 'test_realm', { roles: { subscriber: {} } }]);
    const welcome = await raw.next();
    assert.equal(welcome[0], 2);
    assert.ok(Number.isSafeInteger(welcome[1]) && (welcome[1] as number) >= 1);
    const details = welcome[2] as Record<string, unknown>;
    assert.equal(details.authrole, 'anonymous');
    assert.equal(details.realm, 'test_realm');
    assert.ok(typeof details.roles === 'object' && details.roles !== null && 'broker' in details.roles && 'dealer' in details.roles);
    const agent = await router.connect('test_realm', { authrole: 'iocs_agent' });
    const info = await agent.call('wamp.session.get', [agent.id]);
    assert.equal((info.args[0] as Record<string, unknown>).authrole, 'iocs_agent');
    assert.equal(router.sessionCount('test_realm'), 2);
    router.close();
  });

  it('aborts HELLO for an unknown realm when realms are not auto-created', async () => {
    const router = new Router({ realms: ['test_realm'], autoCreateRealms: false });
    await assert.rejects(
      router.connect('other_realm'),
      (e: unknown) => e instanceof WampError && e.error === 'wamp.error.no_such_realm' && /other_realm/.test(String(e.args[0])),
    );
    const ok = await router.connect('test_realm');
    assert.ok(ok.isOpen);
    assert.deepEqual(router.realmNames, ['test_realm']);
    router.close();
  });

  it('publishes wamp.session.on_join and on_leave, and answers the session meta procedures', async () => {
    const router = new Router();
    const watcher = await router.connect('r');
    const joins: Args[] = [];
    const leaves: Args[] = [];
    await watcher.subscribe('wamp.session.on_join', (args) => void joins.push(args));
    await watcher.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    const agent = await router.connect('r', { authrole: 'iocs_agent', authid: 'fake-data1' });
    await barrier(watcher);
    assert.equal(joins.length, 1);
    const joined = joins[0]?.[0] as Record<string, unknown>;
    assert.equal(joined.session, agent.id);
    assert.equal(joined.authid, 'fake-data1');
    assert.equal(joined.authrole, 'iocs_agent');
    assert.equal(joined.authmethod, 'anonymous');
    assert.deepEqual(joined.transport, { type: 'memory' });

    assert.deepEqual((await watcher.call('wamp.session.count')).args, [2]);
    assert.deepEqual((await watcher.call('wamp.session.count', [['iocs_agent']])).args, [1]);
    assert.deepEqual(new Set((await watcher.call('wamp.session.list')).args[0] as number[]), new Set([watcher.id, agent.id]));
    await assert.rejects(watcher.call('wamp.session.get', [12345]), (e: unknown) => e instanceof WampError && e.error === 'wamp.error.no_such_session');
    await assert.rejects(watcher.call('wamp.session.nonexistent'), (e: unknown) => e instanceof WampError && e.error === 'wamp.error.no_such_procedure');

    await agent.leave();
    await barrier(watcher);
    assert.deepEqual(leaves, [[agent.id]]);
    assert.equal(router.sessionCount('r'), 1);
    router.close();
  });

  it('closes a session that sends garbage, and only that one', async () => {
    const router = new Router();
    const sub = await router.connect('r');
    const pub = await router.connect('r');
    const events: unknown[] = [];
    await sub.subscribe('a.b', (args) => void events.push(args[0]));
    const bad = new RawClient(router);
    await bad.join('r');
    bad.send({ not: 'an array' });
    const abort = await bad.next();
    assert.equal(abort[0], 3);
    assert.equal(abort[2], 'wamp.error.protocol_violation');
    assert.match(String((abort[1] as Record<string, unknown>).message), /must be an array/);
    assert.equal(await bad.closed, 'wamp.error.protocol_violation');

    for (const garbage of [[16, 0, {}, 'a.b'], [99], [36, 1, 1, {}], 'text', null, [1, 'r', { roles: {} }], [8, 48, 1, {}, 'x.y']]) {
      const client = new RawClient(router);
      await client.join('r');
      client.send(garbage);
      assert.equal((await client.next())[2], 'wamp.error.protocol_violation', JSON.stringify(garbage));
      await client.closed;
    }
    pub.publish('a.b', [1]);
    await barrier(pub);
    assert.deepEqual(events, [1]);
    assert.equal(router.stats.protocolViolations, 8);
    assert.equal(router.sessionCount('r'), 2);
    router.close();
  });

  it('ends a session that sends ABORT, announcing on_leave', async () => {
    const router = new Router();
    const watcher = await router.connect('r');
    const leaves: Args[] = [];
    await watcher.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    const raw = new RawClient(router);
    const id = await raw.join('r');
    raw.send([3, { message: 'bye' }, 'wamp.close.normal']);
    await raw.closed;
    await barrier(watcher);
    assert.deepEqual(leaves, [[id]]);
    assert.equal(router.sessionCount('r'), 1);
    router.close();
  });

  it('survives an exception inside the router (here a throwing authorize hook): only that session is aborted', async () => {
    const router = new Router({
      authorize: (session) => {
        if (session.authrole === 'cursed') throw new Error('hook bug');
        return true;
      },
    });
    const good = await router.connect('r');
    const cursed = await router.connect('r', { authrole: 'cursed' });
    const closed = new Promise<string>((resolve) => cursed.onClose(resolve));
    await assert.rejects(cursed.subscribe('a.b', () => {}), (e: unknown) => e instanceof WampError && e.error === 'wamp.error.runtime_error');
    assert.equal(await closed, 'wamp.error.runtime_error');
    assert.equal(router.stats.internalErrors, 1);
    await good.subscribe('a.b', () => {});
    assert.ok(good.isOpen);
    router.close();
  });

  it('requires HELLO first, with roles', async () => {
    const router = new Router();
    const early = new RawClient(router);
    early.send([16, 1, {}, 'a.b']);
    assert.match(String(((await early.next())[1] as Record<string, unknown>).message), /before the session was established/);
    const noRoles = new RawClient(router);
    noRoles.send([1, 'r', {}]);
    assert.equal((await noRoles.next())[2], 'wamp.error.protocol_violation');
    const badRealm = new RawClient(router);
    badRealm.send([1, 'bad realm', { roles: { caller: {} } }]);
    assert.equal((await badRealm.next())[2], 'wamp.error.protocol_violation');
    assert.equal(router.stats.sessionsJoined, 0);
    router.close();
  });

  it('says GOODBYE back and lets the transport carry a new session', async () => {
    const router = new Router();
    const raw = new RawClient(router);
    const first = await raw.join('r');
    raw.send([6, {}, 'wamp.close.normal']);
    assert.deepEqual(await raw.next(), [6, {}, 'wamp.close.goodbye_and_out']);
    assert.equal(router.sessionCount('r'), 0);
    const second = await raw.join('r');
    assert.notEqual(second, first);
    assert.equal(router.sessionCount('r'), 1);
    router.close();
  });

  it('killSession drops the connection: the client learns it and its pending calls fail', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const client = await router.connect('r');
    await agent.register('a.slow', () => new Promise(() => {}));
    const reasons: string[] = [];
    client.onClose((reason) => reasons.push(reason));
    const call = client.call('a.slow');
    await barrier(agent);
    assert.equal(router.killSession(client.id), true);
    await assert.rejects(call, (e: unknown) => e instanceof WampError && e.error === TRANSPORT_LOST && /CALL of 'a.slow'/.test(e.message));
    assert.deepEqual(reasons, [TRANSPORT_LOST]);
    assert.equal(client.isOpen, false);
    assert.equal(router.killSession(client.id), false);
    await assert.rejects(client.call('a.slow'), (e: unknown) => e instanceof WampError && e.error === TRANSPORT_LOST);
    client.publish('a.b', [1]);
    assert.equal(client.stats.droppedPublishes, 1);
    assert.equal(router.sessionCount('r'), 1);
    router.close();
  });

  it('killSession with a reason says GOODBYE first, as wamp.session.kill does', async () => {
    const router = new Router();
    const agent = await router.connect('r');
    const closed = new Promise<string>((resolve) => agent.onClose(resolve));
    router.killSession(agent.id, { reason: 'wamp.close.killed' });
    assert.equal(await closed, 'wamp.close.killed');
    router.close();
  });

  it('close() says GOODBYE to everyone with system_shutdown and refuses new transports', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const b = await router.connect('r');
    const closedA = new Promise<string>((resolve) => a.onClose(resolve));
    const closedB = new Promise<string>((resolve) => b.onClose(resolve));
    router.close();
    assert.deepEqual(await Promise.all([closedA, closedB]), ['wamp.close.system_shutdown', 'wamp.close.system_shutdown']);
    await assert.rejects(router.connect('r'), (e: unknown) => e instanceof WampError);
    assert.equal(router.sessionCount('r'), 0);
    assert.equal(router.stats.sessionsLeft, 2);
  });

  it('leave() ends the session once; onClose listeners run once, late ones at once', async () => {
    const router = new Router();
    const a = await router.connect('r');
    const reasons: string[] = [];
    a.onClose((r) => reasons.push(r));
    await Promise.all([a.leave(), a.leave()]);
    await a.leave();
    assert.deepEqual(reasons, ['wamp.close.normal']);
    assert.equal(await new Promise<string>((resolve) => a.onClose(resolve)), 'wamp.close.normal');
    assert.equal(router.sessionCount('r'), 0);
    router.close();
  });
});
