// The control API (sim/endpoint/CONTROL.md) as the pytest plugin uses it:
// restart with downtime, kill and start, pause and resume, drop and partition
// one agent. Router time is a FakeClock; clients are real WebSocket peers.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controlApp } from '../../sim/endpoint/control.ts';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { Router } from '../../sim/router/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { joinJson } from './helpers.ts';

describe('control API', () => {
  const clock = new FakeClock();
  let endpoint: SimEndpoint;
  let control: ReturnType<typeof controlApp>;
  const post = async (path: string, body?: unknown) => {
    const response = await control.request(path, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const status = async () =>
    (await (await control.request('/status')).json()) as { serving: boolean; paused: boolean; sessions: { id: number; procedures: string[] }[] };
  const info = async () => {
    const response = await fetch(`${endpoint.url}/info`);
    await response.body?.cancel();
    return response.status;
  };

  /** An agent-like session that registered observatory.<name>. */
  const agent = async (name: string) => {
    const session = await joinJson(endpoint.wsUrl);
    await session.register(`observatory.${name}`, () => name);
    return session;
  };

  before(async () => {
    endpoint = await startEndpoint({ router: new Router({ realms: ['test_realm'], clock }), port: 0 });
    control = controlApp(endpoint);
  });
  after(() => endpoint.close());

  it('lists joined sessions with the procedures they registered', async () => {
    const one = await agent('fake-data1');
    const listed = (await status()).sessions.find((s) => s.id === one.id);
    assert.deepEqual(listed?.procedures, ['observatory.fake-data1']);
    await one.leave();
  });

  it('restart returns before the router serves again; it serves after the downtime, with nothing registered', async () => {
    const one = await agent('fake-data1');
    const closed = new Promise<void>((resolve) => one.onClose(() => resolve()));
    const restarted = await post('/restart', { down_ms: 5000 });
    assert.equal(restarted.status, 200);
    assert.equal(restarted.body.serving, false);
    await closed;
    assert.equal(await info(), 503, 'readiness probe fails while down');
    await assert.rejects(joinJson(endpoint.wsUrl), 'no session while down');
    clock.advance(5000);
    assert.equal(await info(), 200);
    const caller = await joinJson(endpoint.wsUrl);
    await assert.rejects(caller.call('observatory.fake-data1'), /no_such_procedure/);
    await caller.leave();
  });

  it('kill stays down until start', async () => {
    assert.equal((await post('/kill')).body.serving, false);
    clock.advance(60_000);
    assert.equal(await info(), 503);
    assert.equal((await post('/start')).body.serving, true);
    assert.equal(await info(), 200);
  });

  it('pause holds every session until resume; nothing is lost', async () => {
    const one = await agent('fake-data1');
    const caller = await joinJson(endpoint.wsUrl);
    assert.equal((await post('/pause')).body.paused, true);
    let answered = false;
    const call = caller.call('observatory.fake-data1').then((r) => (answered = true, r));
    assert.equal(answered, false);
    assert.equal((await post('/resume')).body.paused, false);
    assert.deepEqual((await call).args, ['fake-data1']);
    await one.leave();
    await caller.leave();
  });

  it('drop closes only the named agent; partition cuts it off until heal', async () => {
    const one = await agent('fake-data1');
    const two = await agent('fake-data2');
    const caller = await joinJson(endpoint.wsUrl);
    const closed = new Promise<void>((resolve) => one.onClose(() => resolve()));
    assert.deepEqual((await post('/drop', { agent: 'fake-data1' })).body.dropped, [one.id]);
    await closed;
    assert.deepEqual((await caller.call('observatory.fake-data2')).args, ['fake-data2']);

    assert.deepEqual((await post('/partition', { agent: 'observatory.fake-data2' })).body.partitioned, [two.id]);
    assert.equal((await post('/partition', { agent: 'nobody' })).status, 404);
    let lostAnswered = false;
    const lost = caller.call('observatory.fake-data2').then(() => (lostAnswered = true), () => {});
    // A round trip on the caller's connection: its CALL above was handled (frames arrive in order), so the invocation was dropped.
    await caller.call('wamp.session.count');
    await post('/heal', { agent: 'observatory.fake-data2' });
    assert.deepEqual((await caller.call('observatory.fake-data2')).args, ['fake-data2']);
    assert.equal(lostAnswered, false, 'the call made during the partition is lost, not delayed');
    void lost;
    await two.leave();
    await caller.leave();
  });

  it('refuses a bad body with 400 and changes nothing', async () => {
    assert.equal((await post('/restart', 'not an object')).status, 400);
    assert.equal((await post('/restart', { down_ms: -1 })).status, 400);
    assert.equal((await status()).serving, true);
  });
});
