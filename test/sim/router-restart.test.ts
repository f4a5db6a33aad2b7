// router.restart(): crossbar going away and coming back. Clients see their
// transport close, all router state is gone, and they can join again; the
// TS Registry Agent with a Reconnector rides it out without false expiry.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { TRANSPORT_LOST } from '../../src/wamp/peer.ts';
import { Reconnector } from '../../src/wamp/reconnect.ts';
import { type Args, WampError, type WampSession } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

async function run(clock: FakeClock, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

describe('router restart', () => {
  it('closes every transport without GOODBYE, forgets registrations and subscriptions, and takes new joins', async () => {
    const router = new Router({ realms: ['r'], autoCreateRealms: false });
    const callee = await router.connect('r');
    const watcher = await router.connect('r');
    await callee.register('p', () => 1);
    const leaves: Args[] = [];
    await watcher.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    const pending = watcher.call('p-never-answered').catch((e: unknown) => e);
    const reasons: string[] = [];
    callee.onClose((reason) => void reasons.push(reason));
    watcher.onClose((reason) => void reasons.push(reason));

    router.restart();
    await settle();
    assert.deepEqual(reasons, [TRANSPORT_LOST, TRANSPORT_LOST], 'the connection dropped: no GOODBYE');
    assert.deepEqual(leaves, [], 'nobody hears on_leave from a dying router');
    assert.ok((await pending) instanceof WampError);
    assert.equal(router.sessionCount('r'), 0);
    assert.deepEqual(router.realmNames, ['r'], 'configured realms come back');

    const again = await router.connect('r');
    assert.deepEqual((await again.call('wamp.registration.lookup', ['p'])).args, [null], 'registrations are gone');
    await again.register('p', () => 2);
    assert.deepEqual((await again.call('p')).args, [2]);
    assert.deepEqual((await again.call('wamp.session.count')).args, [1]);
    router.close();
  });

  it('refuses connections while down, then tells onRestart listeners it is back', async () => {
    const clock = new FakeClock();
    const router = new Router({ clock });
    await router.connect('r');
    let back = 0;
    const off = router.onRestart(() => void back++);
    router.restart({ downMs: 500 });
    await assert.rejects(router.connect('r'));
    clock.advance(499);
    assert.equal(back, 0);
    await assert.rejects(router.connect('r'));
    clock.advance(1);
    assert.equal(back, 1);
    const peer = await router.connect('r');
    assert.equal(peer.isOpen, true);
    off();
    router.restart();
    assert.equal(back, 1);
    router.close();
  });

  it('keeps drop and delay rules (they are the network) and forgets pauses (the sessions are gone)', async () => {
    const router = new Router();
    const a = await router.connect('r');
    router.pauseSession(a.id);
    const rule = router.faults.drop(1, { filter: () => false });
    router.restart();
    await settle();
    assert.equal(router.faults.active, true);
    rule.stop();
    assert.equal(router.faults.active, false, 'no link state is left behind');
    router.close();
  });

  it('the Registry Agent with a Reconnector rides out a restart: no false expiry, tracking resumes', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'], clock });
    const keepJoined = (onJoin: (session: WampSession) => Promise<void>) => {
      const connection = new Reconnector({ clock, random: () => 0.5, connect: () => router.connect('r'), onJoin });
      connection.start();
      return connection;
    };
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
    const connections = [keepJoined((s) => registry.join(s))];
    for (const id of ['a', 'b', 'c']) {
      const fake = new FakeDataAgent({ address: `observatory.${id}`, clock });
      connections.push(keepJoined((s) => fake.join(s)));
    }
    let expiries = 0;
    registry.onChange((c) => void (c.expired && expiries++));
    await run(clock, 2000);
    assert.equal(registry.registry.size, 3);

    // Down for 4 s: past the agents' heartbeat, close to the 5 s timeout.
    router.restart({ downMs: 4000 });
    await run(clock, 4000);
    assert.equal(connections.every((c) => c.state === 'disconnected' || c.state === 'connecting'), true);
    await run(clock, 3000);
    assert.equal(connections.every((c) => c.state === 'joined'), true, 'everyone is back within 3 s of the router');
    assert.ok(connections.every((c) => c.joins === 2));
    const now = clock.now();
    for (const id of ['a', 'b', 'c']) {
      const entry = registry.registry.get(`observatory.${id}`);
      assert.equal(entry?.expired, false);
      assert.ok(now - (entry?.last_updated ?? 0) < 1.5, `${id} heard since the restart`);
    }
    await run(clock, 10_000);
    assert.equal(expiries, 0, "nobody expired for the router's outage");
    for (const c of connections) await c.stop();
    router.close();
  });
});
