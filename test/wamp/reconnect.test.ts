import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { type ConnectionState, Reconnector } from '../../src/wamp/reconnect.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, settle } from '../support/settle.ts';

const run = (clock: FakeClock, ms: number, step = 100) => runFor(clock, ms, step);

describe('Reconnector', () => {
  it('joins, rejoins after the session is lost, and resets its backoff', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    let up = true;
    const joins: boolean[] = [];
    const states: ConnectionState[] = [];
    const connection = new Reconnector({
      clock,
      random: () => 0.5,
      connect: () => (up ? router.connect('r') : Promise.reject(new Error('refused'))),
      onJoin: async (_s: WampSession, rejoin: boolean) => void joins.push(rejoin),
      initialDelayMs: 500,
    });
    connection.onState((s) => states.push(s));
    connection.start();
    await settle();
    assert.equal(connection.state, 'joined');
    up = false;
    router.killSession((connection.session as WampSession).id);
    await settle();
    assert.equal(connection.state, 'disconnected');
    await run(clock, 3000); // attempts at 0.5, 1.5, 3.5 s: still refused
    up = true;
    await run(clock, 5000);
    assert.equal(connection.state, 'joined');
    assert.deepEqual(joins, [false, true]);
    assert.equal(connection.joins, 2);
    assert.ok(states.filter((s) => s === 'connecting').length >= 4, states.join(','));
    await connection.stop();
    assert.equal(connection.state, 'stopped');
  });

  it('gives up after giveUpAfterMs without a router (crossbar_timeout), not before', async () => {
    const clock = new FakeClock();
    const connection = new Reconnector({
      clock,
      random: () => 0.5,
      giveUpAfterMs: 10_000,
      connect: () => Promise.reject(new Error('refused')),
      onJoin: async () => {},
    });
    let outcome: string | null = null;
    connection.finished.then((o) => void (outcome = o.state));
    connection.start();
    await run(clock, 9500);
    assert.equal(outcome, null);
    await run(clock, 1000);
    assert.equal(outcome, 'gave_up');
  });

  it('stops at once on a fatal join error (a second registry at the same address)', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'] });
    const fatal = new Error('procedure_already_exists');
    const connection = new Reconnector({
      clock,
      connect: () => router.connect('r'),
      onJoin: async () => {
        throw fatal;
      },
      isFatal: (err) => err === fatal,
    });
    connection.start();
    const outcome = await connection.finished;
    assert.equal(outcome.state, 'gave_up');
    assert.equal(outcome.error, fatal);
    assert.equal(router.sessionCount('r'), 0, 'the half-joined session was left');
  });
});
