// The WAMP meta API on the simulator, with crossbar 26's replies and texts
// (checked against a real crossbar with a role that may call `wamp.`).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { type Args, WampError } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

function isError(error: string, text?: string | RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof WampError, `expected a WampError, got ${String(e)}`);
    assert.equal(e.error, error);
    if (typeof text === 'string') assert.deepEqual(e.args, [text]);
    else if (text) assert.match(String(e.args[0]), text);
    return true;
  };
}

describe('session meta API', () => {
  it('counts and lists sessions, optionally only those with given authroles', async () => {
    const router = new Router();
    const admin = await router.connect('r', { authrole: 'admin' });
    const agent = await router.connect('r', { authrole: 'iocs_agent' });
    const other = await router.connect('elsewhere', { authrole: 'iocs_agent' });
    assert.deepEqual((await admin.call('wamp.session.count')).args, [2], 'per realm');
    assert.deepEqual((await admin.call('wamp.session.count', [null])).args, [2]);
    assert.deepEqual((await admin.call('wamp.session.count', [['iocs_agent']])).args, [1]);
    assert.deepEqual((await admin.call('wamp.session.count', [[]])).args, [0]);
    assert.deepEqual((await admin.call('wamp.session.count', [], { filter_authroles: ['admin'] })).args, [1]);
    assert.deepEqual(new Set((await admin.call('wamp.session.list')).args[0] as number[]), new Set([admin.id, agent.id]));
    assert.deepEqual((await admin.call('wamp.session.list', [['iocs_agent']])).args, [[agent.id]]);
    // crossbar asserts the filter is a list: a runtime_error without text.
    await assert.rejects(
      admin.call('wamp.session.count', ['iocs_agent']),
      (e: unknown) => e instanceof WampError && e.error === 'wamp.error.runtime_error' && e.args.length === 0,
    );
    await other.leave();
    router.close();
  });

  it("gets one session's details, with crossbar's keys", async () => {
    const router = new Router();
    const admin = await router.connect('r', { authrole: 'admin' });
    const agent = await router.connect('r', { authrole: 'iocs_agent', authid: 'fake-data1' });
    const details = (await admin.call('wamp.session.get', [agent.id])).args[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(details).sort(), [
      'authextra',
      'authid',
      'authmethod',
      'authprovider',
      'authrole',
      'realm',
      'resumable',
      'resume_token',
      'resumed',
      'serializer',
      'session',
      'transport',
    ]);
    assert.equal(details.session, agent.id);
    assert.equal(details.realm, 'r');
    assert.equal(details.authid, 'fake-data1');
    assert.equal(details.authrole, 'iocs_agent');
    assert.equal(details.authmethod, 'anonymous');
    assert.equal(details.authprovider, 'static');
    assert.equal(details.resumed, false);
    router.close();
  });

  it('answers unknown or missing session ids as crossbar does', async () => {
    const router = new Router();
    const admin = await router.connect('r');
    await assert.rejects(admin.call('wamp.session.get', [12345]), isError('wamp.error.no_such_session', 'no session with ID 12345 exists on this router'));
    await assert.rejects(admin.call('wamp.session.get', ['abc']), isError('wamp.error.no_such_session', 'no session with ID abc exists on this router'));
    await assert.rejects(
      admin.call('wamp.session.get'),
      isError('wamp.error.runtime_error', "RouterServiceAgent.session_get() missing 1 required positional argument: 'session_id'"),
    );
    const elsewhere = await router.connect('other');
    await assert.rejects(admin.call('wamp.session.get', [elsewhere.id]), isError('wamp.error.no_such_session'), 'a session of another realm is unknown here');
    router.close();
  });

  it('on_join carries the session details, on_leave only the id (crossbar 26), and the leaver does not hear it', async () => {
    const router = new Router();
    const watcher = await router.connect('r');
    const joins: Args[] = [];
    const leaves: Args[] = [];
    await watcher.subscribe('wamp.session.on_join', (args) => void joins.push(args));
    await watcher.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    const agent = await router.connect('r', { authrole: 'iocs_agent' });
    const heard: Args[] = [];
    await agent.subscribe('wamp.session.on_leave', (args) => void heard.push(args));
    assert.equal(joins.length, 1);
    assert.deepEqual(joins[0], (await watcher.call('wamp.session.get', [agent.id])).args);
    await agent.leave();
    await settle();
    assert.deepEqual(leaves, [[agent.id]]);
    assert.deepEqual(heard, []);
    router.close();
  });
});

describe('registration meta API', () => {
  async function setup() {
    const clock = new FakeClock(1_700_000_000.25);
    const router = new Router({ clock });
    const admin = await router.connect('r');
    const agent = await router.connect('r');
    const exact = await agent.register('observatory.p', () => 1);
    const prefix = await agent.register('observatory.pre.', () => 1, { match: 'prefix' });
    const wildcard = await agent.register('observatory..wild', () => 1, { match: 'wildcard' });
    return { router, admin, agent, exact, prefix, wildcard };
  }

  it('lookup finds the registration of a procedure and match policy (exact by default), else null', async () => {
    const { router, admin, exact, prefix, wildcard } = await setup();
    const lookup = async (...args: unknown[]) => (await admin.call('wamp.registration.lookup', args)).args[0];
    assert.equal(await lookup('observatory.p'), exact.id);
    assert.equal(await lookup('observatory.p', {}), exact.id);
    assert.equal(await lookup('observatory.q'), null);
    assert.equal(await lookup('observatory.pre.'), null, 'a prefix registration is not found as exact');
    assert.equal(await lookup('observatory.pre.', { match: 'prefix' }), prefix.id);
    assert.equal(await lookup('observatory..wild', { match: 'wildcard' }), wildcard.id);
    assert.equal(await lookup('wamp.session.count'), null, 'meta procedures are not registrations');
    await assert.rejects(
      admin.call('wamp.registration.lookup'),
      isError('wamp.error.runtime_error', "RouterServiceAgent.registration_lookup() missing 1 required positional argument: 'procedure'"),
    );
    await assert.rejects(admin.call('wamp.registration.lookup', [5]), isError('wamp.error.runtime_error', "'uri' should be unicode, not int"));
    router.close();
  });

  it('match finds the registration a call would reach', async () => {
    const { router, admin, exact, prefix } = await setup();
    assert.deepEqual((await admin.call('wamp.registration.match', ['observatory.pre.x'])).args, [prefix.id]);
    assert.deepEqual((await admin.call('wamp.registration.match', ['observatory.p'])).args, [exact.id]);
    assert.deepEqual((await admin.call('wamp.registration.match', ['observatory.none'])).args, [null]);
    router.close();
  });

  it('list_callees names the callee; unknown ids get no_such_registration', async () => {
    const { router, admin, agent, exact } = await setup();
    assert.deepEqual((await admin.call('wamp.registration.list_callees', [exact.id])).args, [[agent.id]]);
    await assert.rejects(
      admin.call('wamp.registration.list_callees', [999999]),
      isError('wamp.error.no_such_registration', 'no registration with ID 999999 exists on this dealer'),
    );
    await assert.rejects(
      admin.call('wamp.registration.list_callees', ['x']),
      isError('wamp.error.no_such_registration', 'no registration with ID x exists on this dealer'),
    );
    await assert.rejects(
      admin.call('wamp.registration.list_callees'),
      isError('wamp.error.runtime_error', /missing 1 required positional argument: 'registration_id'/),
    );
    await exact.unregister();
    await assert.rejects(admin.call('wamp.registration.list_callees', [exact.id]), isError('wamp.error.no_such_registration'));
    router.close();
  });

  it('list gives ids by match policy, for the realm or one session', async () => {
    const { router, admin, agent, exact, prefix, wildcard } = await setup();
    const all = { exact: [exact.id], prefix: [prefix.id], wildcard: [wildcard.id] };
    assert.deepEqual((await admin.call('wamp.registration.list')).args, [all]);
    assert.deepEqual((await admin.call('wamp.registration.list', [0])).args, [all], 'a falsy id lists all, as crossbar');
    assert.deepEqual((await admin.call('wamp.registration.list', [agent.id])).args, [all]);
    assert.deepEqual((await admin.call('wamp.registration.list', [admin.id])).args, [{ exact: [], prefix: [], wildcard: [] }]);
    await assert.rejects(
      admin.call('wamp.registration.list', [12345]),
      isError('wamp.error.no_such_session', 'no session with ID 12345 exists on this router'),
    );
    router.close();
  });

  it('get describes a registration, created on the router clock', async () => {
    const { router, admin, prefix } = await setup();
    assert.deepEqual((await admin.call('wamp.registration.get', [prefix.id])).args, [
      { id: prefix.id, created: '2023-11-14T22:13:20.250Z', uri: 'observatory.pre.', match: 'prefix', invoke: 'single' },
    ]);
    await assert.rejects(admin.call('wamp.registration.get', [999999]), isError('wamp.error.no_such_registration'));
    router.close();
  });

  it('the authorize hook decides who may call the meta API, as crossbar role permissions do', async () => {
    const router = new Router({ authorize: (s, _action, uri) => s.authrole === 'admin' || uri.startsWith('observatory.') });
    const agent = await router.connect('r', { authrole: 'iocs_agent' });
    await assert.rejects(
      agent.call('wamp.session.count'),
      isError('wamp.error.not_authorized', /is not authorized to call procedure "wamp.session.count" on realm "r"/),
    );
    await assert.rejects(agent.subscribe('wamp.session.on_join', () => {}), isError('wamp.error.not_authorized'));
    const admin = await router.connect('r', { authrole: 'admin' });
    assert.deepEqual((await admin.call('wamp.session.count')).args, [2]);
    router.close();
  });
});
