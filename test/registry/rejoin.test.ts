// The registry and its router: a lost connection, a rejoin, no false expiry.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { Reconnector } from '../../src/wamp/reconnect.ts';
import { joinErrorIsFatal } from '../../src/registry/join-policy.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, settle } from '../support/settle.ts';

const run = (clock: FakeClock, ms: number, step = 50) => runFor(clock, ms, step);

describe('Registry Agent across a lost router connection', () => {
  it('rejoins, keeps main, resumes tracking at once, and expires nobody for its own outage', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
    let routerUp = true;
    const connection = new Reconnector({
      clock,
      random: () => 0.5,
      connect: () => (routerUp ? router.connect('r') : Promise.reject(new Error('refused'))),
      onJoin: (session: WampSession) => registry.join(session),
    });
    connection.start();
    const fakes: FakeDataAgent[] = [];
    for (const id of ['a', 'b', 'c']) {
      const fake = new FakeDataAgent({ address: `observatory.${id}`, clock });
      await fake.agent.join(await router.connect('r'));
      fakes.push(fake);
    }
    let expiries = 0;
    registry.onChange((c) => void (c.expired && expiries++));
    await run(clock, 2000);
    assert.equal(registry.registry.size, 3);

    // The registry loses the router for 8 s, longer than the 5 s timeout; the agents keep beating.
    routerUp = false;
    router.killSession((connection.session as WampSession).id);
    await run(clock, 8000);
    assert.equal(connection.state, 'disconnected');
    assert.equal(registry.ready, false);
    assert.equal(expiries, 0, 'nobody expires while the registry cannot hear');
    routerUp = true;
    await run(clock, 3000);
    assert.equal(connection.state, 'joined', 'back within 3 s of the router');
    assert.equal(registry.ready, true);
    assert.ok(registry.outages >= 1);

    // Tracking resumed: every agent refreshed since the rejoin; main is the same session.
    const now = clock.now();
    for (const id of ['a', 'b', 'c']) {
      const entry = registry.registry.get(`observatory.${id}`);
      assert.equal(entry?.expired, false);
      assert.ok(now - (entry?.last_updated ?? 0) < 1.5, `${id} heard since the rejoin`);
    }
    const main = registry.agent.operations.get('main')?.session;
    assert.equal(main?.sessionId, 0);
    assert.equal(main?.status, 'running');
    await run(clock, 10_000);
    assert.equal(expiries, 0, 'no false expiry after the rejoin either');

    // A real silence is still caught.
    fakes[0]!.agent.heartbeatOn = false;
    await run(clock, 6500);
    assert.equal(expiries, 1);
    assert.equal(registry.registry.get('observatory.a')?.expired, true);
    await connection.stop();
    router.close();
  });

  it('forgives a stall of its own event loop instead of expiring on it', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    // A stalled loop: wall time jumps while no timer has run yet.
    let stall = 0;
    const registryClock = { now: () => clock.now() + stall, after: (ms: number, fn: () => void) => clock.after(ms, fn) };
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock: registryClock, hostname: 'h', pid: 1 });
    await registry.join(await router.connect('r'));
    const fake = new FakeDataAgent({ address: 'observatory.a', clock });
    await fake.agent.join(await router.connect('r'));
    await run(clock, 1000);
    // The loop is blocked for 7 s: the first timer after it sees the jump,
    // and the heartbeats queued meanwhile arrive just after.
    stall = 7;
    clock.advance(25);
    await settle();
    fake.agent.heartbeat();
    await settle();
    assert.equal(registry.registry.get('observatory.a')?.expired, false);
    assert.equal(registry.outages, 1);
    router.close();
  });

  it('on a rejoin, retries past its own ghost holding {addr}.ops; at first start the same refusal is fatal', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    const ghostOf = async () => {
      const ghost = await router.connect('r');
      await ghost.register('observatory.registry.ops', () => null);
      return ghost;
    };
    const start = (registry: RegistryAgent) => {
      const connection = new Reconnector({
        clock,
        random: () => 0.5,
        connect: () => router.connect('r'),
        onJoin: (session: WampSession) => registry.join(session),
        isFatal: joinErrorIsFatal,
      });
      connection.start();
      return connection;
    };
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
    const connection = start(registry);
    await run(clock, 500);
    assert.equal(connection.state, 'joined');

    // The link drops and, before the registry is back, a ghost holds its procedure (the router's stale view).
    router.killSession((connection.session as WampSession).id);
    const ghost = await ghostOf();
    await run(clock, 5000);
    assert.equal(connection.state, 'disconnected', 'still trying, not given up');
    await ghost.leave();
    await run(clock, 3000);
    assert.equal(connection.state, 'joined', 'back once the router let go');
    assert.equal(registry.ready, true);
    await connection.stop();

    // A live registry at the address when a second one starts: refused, loop ends.
    const holder = await ghostOf();
    const second = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 2 });
    const refused = start(second);
    await run(clock, 500);
    assert.equal(refused.state, 'gave_up');
    assert.match(String((await refused.finished).error), /procedure_already_exists/);
    await holder.leave();
    router.close();
  });

  it('a link cut every 2 s for a minute neither keeps dead agents alive nor expires live ones', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
    const connection = new Reconnector({
      clock,
      random: () => 0.5,
      connect: () => router.connect('r'),
      onJoin: (session: WampSession) => registry.join(session),
    });
    connection.start();
    const fakes = new Map<string, FakeDataAgent>();
    for (const id of ['live1', 'live2', 'dead1', 'dead2']) {
      const fake = new FakeDataAgent({ address: `observatory.${id}`, clock });
      await fake.agent.join(await router.connect('r'));
      fakes.set(id, fake);
    }
    const expiredAt = new Map<string, number>();
    registry.onChange((c) => void (c.expired && expiredAt.set(c.agent.address, clock.now())));
    await run(clock, 2000);
    assert.equal(registry.registry.size, 4);
    fakes.get('dead1')!.agent.heartbeatOn = false;
    fakes.get('dead2')!.agent.heartbeatOn = false;
    const diedAt = clock.now();
    let outage = 0;
    let lostAt = Number.NaN;
    connection.onState((state) => {
      if (state === 'disconnected' && lostAt !== lostAt) lostAt = clock.now();
      if (state === 'joined' && lostAt === lostAt) {
        if (!expiredAt.has('observatory.dead1')) outage += clock.now() - lostAt;
        lostAt = Number.NaN;
      }
    });
    for (let t = 0; t < 60_000; t += 2000) {
      if (connection.state === 'joined') router.killSession((connection.session as WampSession).id);
      await run(clock, 2000);
    }
    assert.ok(registry.outages >= 25, `the link was cut (${registry.outages} outages)`);
    for (const id of ['dead1', 'dead2']) {
      const at = expiredAt.get(`observatory.${id}`);
      assert.ok(at !== undefined, `${id} expired despite the flapping`);
      // At most one grace (a full timeout from the first rejoin after it died, which comes within one 2 s cycle),
      // then subscribed silence: the outages within it add to the wall time, further rejoins give nothing.
      const bound = 1 + 2 + 5 + outage + 0.1;
      assert.ok(at - diedAt <= bound, `${id} expired ${(at - diedAt).toFixed(2)} s after it died (outages ${outage.toFixed(2)} s)`);
    }
    assert.equal(expiredAt.has('observatory.live1') || expiredAt.has('observatory.live2'), false, 'no live agent expired');
    await connection.stop();
    router.close();
  });
});
