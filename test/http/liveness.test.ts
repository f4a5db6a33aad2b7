// deno-lint-ignore-file no-explicit-any -- JSON bodies are read loosely in tests
// What the API, events, metrics and log say beyond alive/expired: suspect,
// flapping (damped on the stream, whole in the history), and the registry's
// own health (stale rows when it does not hear heartbeats).
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type HttpHarness, SseReader, startHttp } from './helpers.ts';
import { settle } from '../support/settle.ts';

describe('HTTP: suspect and flapping', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('lists a late agent as suspect (state=suspect filter, event, metrics) until it beats again', async () => {
    h = await startHttp();
    for (let i = 0; i < 4; i++) {
      await h.beatMany(['late', 'fine']);
      await h.net.advance(1000, 100);
    }
    await h.beatMany(['fine']);
    await h.net.advance(1000, 100);
    await h.beatMany(['fine']);
    await h.net.advance(1200, 100);
    const { body } = await h.json('/api/agents?state=suspect');
    assert.deepEqual(body.agents.map((a: any) => a.agent_address), ['observatory.late']);
    assert.equal(body.agents[0].suspect.reason, 'late');
    assert.equal(body.agents[0].state, 'alive', 'still alive as OCS sees it');
    const metrics = await (await h.app.request('/metrics')).text();
    assert.match(metrics, /^ocs_registry_agents_suspect 1$/m);
    assert.match(metrics, /^ocs_agent_suspect\{address="observatory.late",agent_class="FakeDataAgent",reason="late"\} 1$/m);
    await h.beat('late');
    assert.equal((await h.json('/api/agents?state=suspect')).body.total, 0);
    const types = h.app.events.history.of('observatory.late').map((t) => t.type);
    assert.deepEqual(types, ['joined', 'suspect', 'suspect-cleared']);
    assert.match(h.net.log.join('\n'), /^agent suspect address="observatory.late" class="FakeDataAgent" reason=late since=\d/m);
    assert.match(h.net.log.join('\n'), /^agent heard again address="observatory.late"/m);
  });

  it('damps a flapping agent on the event stream, keeps every transition in its history', async () => {
    h = await startHttp();
    const response = await h.app.request('/api/events');
    const sse = new SseReader(response);
    await sse.take();
    for (let i = 0; i < 6; i++) {
      await h.beat('flappy', { sessionId: `s${i}` });
      await h.net.advance(500, 100);
    }
    const history = h.app.events.history.of('observatory.flappy').map((t) => t.type);
    assert.deepEqual(history.filter((t) => t === 'restarted').length, 5, 'every restart in the history');
    const events = (await sse.events()).map((e) => e.event);
    assert.deepEqual(events, ['joined', 'restarted', 'restarted', 'restarted', 'restarted', 'flapping']);
    assert.equal(events.filter((e) => e === 'restarted').length, 4, 'the 5th restart is damped');
    assert.equal(h.app.events.history.of('observatory.flappy').find((t) => t.type === 'restarted' && t.id === null) !== undefined, true);
    const { body } = await h.json('/api/agents/observatory.flappy');
    assert.equal(body.flapping.reason, '4 restarts in 600 s');
    assert.match(h.net.log.join('\n'), /^agent flapping address="observatory.flappy" class="FakeDataAgent" reason="4 restarts in 600 s"$/m);
    await sse.cancel();
  });
});

describe('HTTP: the registry is not subscribed', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('marks every row stale with since, and /healthz and /metrics say so', async () => {
    h = await startHttp();
    await h.beatMany(['a', 'b']);
    assert.equal((await h.json('/api/agents')).body.stale_since, null);
    const lostAt = h.net.clock.now();
    h.net.router.close();
    await settle();
    const list = await h.json('/api/agents');
    assert.equal(list.body.stale_since, lostAt);
    assert.deepEqual(list.body.agents.map((a: any) => [a.agent_address, a.stale_since, a.state]), [
      ['observatory.a', lostAt, 'alive'],
      ['observatory.b', lostAt, 'alive'],
    ]);
    assert.equal((await h.json('/api/agents/observatory.a')).body.stale_since, lostAt);
    const health = await h.json('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual({ ...health.body, event_loop_lag: 0 }, { status: 'ok', connected: false, subscribed: false, stale_since: lostAt, event_loop_lag: 0 });
    await h.net.clock.advance(3000);
    const metrics = await (await h.app.request('/metrics')).text();
    assert.match(metrics, /^ocs_registry_subscribed 0$/m);
    assert.match(metrics, /^ocs_registry_connected 0$/m);
    assert.match(metrics, /^ocs_registry_stale_seconds 3$/m);
  });
});

describe('HTTP: expected versus observed', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('lists missing and unexpected agents, and each agent says what the site config says of it', async () => {
    h = await startHttp();
    const none = await h.json('/api/expected');
    assert.equal(none.body.configured, false);
    const up = { agentClass: 'FakeDataAgent', host: 'h1', manage: 'host/up' as const, up: true };
    h.net.registry.expected.set([{ ...up, address: 'observatory.a' }, { ...up, address: 'observatory.gone' }], '/cfg/site.yaml', h.net.clock.now());
    await h.beatMany(['a', 'stranger']);
    const { body } = await h.json('/api/expected');
    assert.equal(body.configured, true);
    assert.equal(body.expected, 2);
    assert.deepEqual(body.missing, [{ address: 'observatory.gone', agent_class: 'FakeDataAgent', host: 'h1', manage: 'host/up', up: true }]);
    assert.deepEqual(body.unexpected, [{ address: 'observatory.stranger', agent_class: 'FakeDataAgent', expired: false }]);
    assert.equal((await h.json('/api/agents/observatory.a')).body.expected.host, 'h1');
    assert.equal((await h.json('/api/agents/observatory.stranger')).body.expected, false);
    const metrics = await (await h.app.request('/metrics')).text();
    assert.match(metrics, /^ocs_registry_agents_missing 1$/m);
    assert.match(metrics, /^ocs_registry_agents_unexpected 1$/m);
    assert.match(metrics, /^ocs_agent_missing\{address="observatory.gone",agent_class="FakeDataAgent",host="h1"\} 1$/m);
  });
});

describe('HTTP: --forget-after', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('forgets an agent expired that long: an event, a log line, gone from session.data, the API and metrics; back as new', async () => {
    h = await startHttp({}, { forgetAfter: 10 });
    const sse = new SseReader(await h.app.request('/api/events'));
    await sse.take();
    await h.beatMany(['gone', 'live']);
    for (let i = 0; i < 16; i++) {
      await h.net.advance(1000, 100);
      await h.beat('live');
    }
    // 'gone' expired 5 s after its heartbeat and was forgotten 10 s after that.
    assert.equal((await h.json('/api/agents/observatory.gone')).status, 404);
    const list = await h.json('/api/agents');
    assert.deepEqual(list.body.agents.map((a: any) => a.agent_address), ['observatory.live']);
    assert.deepEqual(Object.keys(await h.net.table()), ['observatory.live'], 'gone from main.status() session.data');
    const status = await h.json('/api/status');
    assert.equal(status.body.forget_after, 10);
    assert.equal(status.body.counters.forgotten, 1);
    const metrics = await (await h.app.request('/metrics')).text();
    assert.match(metrics, /^ocs_registry_agents_forgotten_total 1$/m);
    assert.doesNotMatch(metrics, /address="observatory.gone"/);
    assert.match(
      h.net.log.join('\n'),
      /^agent forgotten address="observatory.gone" class="FakeDataAgent" time_expired=\d+\.\d+: expired for more than --forget-after$/m,
    );
    const events = (await sse.events()).filter((e) => e.event !== 'ops-changed');
    assert.deepEqual(events.map((e) => e.event), ['joined', 'joined', 'expired', 'forgotten']);
    const forgotten = JSON.parse(events[3]!.data ?? '');
    assert.equal(forgotten.address, 'observatory.gone');
    assert.equal(forgotten.reason, 'forget-after');
    assert.equal(h.app.events.history.of('observatory.gone').length, 0, 'its history goes with it');
    // A heartbeat afterwards joins it as a new agent.
    await h.beat('gone');
    assert.equal((await h.json('/api/agents/observatory.gone')).body.state, 'alive');
    assert.deepEqual(h.app.events.history.of('observatory.gone').map((t) => t.type), ['joined']);
    await sse.cancel();
  });
});
