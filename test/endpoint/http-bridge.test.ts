// crossbar's HTTP bridge on the endpoint: POST /call, POST /publish, GET /info,
// with the status codes and body shapes of docs/ocs-protocol.md §5.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { CallResult, WampError, type WampSession } from '../../src/wamp/session.ts';
import { joinJson, post } from './helpers.ts';

describe('endpoint: HTTP bridge', () => {
  let endpoint: SimEndpoint;
  let agent: WampSession;
  let call: string;
  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
    call = `${endpoint.url}/call`;
    agent = await joinJson(endpoint.wsUrl);
    await agent.register('observatory.fake1.ops', (args) => [0, `ok ${String(args[0])}`, {}]);
    await agent.register('observatory.fake1.multi', () => new CallResult([1, 2], { k: 'v' }));
    await agent.register('observatory.fake1.kwonly', () => new CallResult([], { k: 'v' }));
    await agent.register('observatory.fake1.nothing', () => new CallResult([], {}));
    await agent.register('observatory.fake1.fails', () => {
      throw new WampError('observatory.error.bad', ['it broke'], { why: 'test' });
    });
  });
  after(async () => {
    await agent.leave();
    await endpoint.close();
  });

  it('POST /call with no Content-Type returns {"args": [result]}', async () => {
    const reply = await post(call, { procedure: 'observatory.fake1.ops', args: ['status', 'acq', {}], kwargs: {} });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { args: [[0, 'ok status', {}]] });
  });

  it('accepts application/json with a charset, and missing args/kwargs', async () => {
    const reply = await post(call, { procedure: 'observatory.fake1.ops' }, { 'content-type': 'application/json; charset=utf-8' });
    assert.deepEqual(reply, { status: 200, body: { args: [[0, 'ok undefined', {}]] } });
  });

  it('keeps only non-empty keys of a multi-valued result; no result is [null]', async () => {
    assert.deepEqual((await post(call, { procedure: 'observatory.fake1.multi' })).body, { args: [1, 2], kwargs: { k: 'v' } });
    assert.deepEqual((await post(call, { procedure: 'observatory.fake1.kwonly' })).body, { kwargs: { k: 'v' } });
    assert.deepEqual((await post(call, { procedure: 'observatory.fake1.nothing' })).body, { args: [null] });
  });

  it('answers a WAMP error with 200 and {error, args, kwargs}', async () => {
    assert.deepEqual(await post(call, { procedure: 'observatory.fake1.fails' }), {
      status: 200,
      body: { error: 'observatory.error.bad', args: ['it broke'], kwargs: { why: 'test' } },
    });
    const missing = await post(call, { procedure: 'observatory.nobody' });
    assert.equal(missing.status, 200);
    assert.equal(missing.body.error, 'wamp.error.no_such_procedure');
    assert.deepEqual(missing.body.kwargs, {});
  });

  it('answers malformed requests with 400 and the error shape', async () => {
    for (
      const [body, headers] of [
        [{ args: [] }, {}], // no procedure
        ['{not json', {}],
        ['[1, 2]', {}],
        [{ procedure: 'observatory.fake1.ops', args: { a: 1 } }, {}],
        [{ procedure: 'observatory.fake1.ops' }, { 'content-type': 'text/plain' }],
        [{ procedure: 'observatory.fake1.ops' }, { 'content-type': 'application/x-www-form-urlencoded' }],
      ] as const
    ) {
      const reply = await post(call, body, headers);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(typeof reply.body.error, 'string');
      assert.deepEqual([reply.body.args, reply.body.kwargs], [[], {}]);
    }
    assert.match((await post(call, { args: [] })).body.error, /missing key 'procedure'/);
    assert.match((await post(call, {}, { 'content-type': 'text/plain' })).body.error, /content type/);
  });

  it('answers other methods with 405', async () => {
    const response = await fetch(call);
    assert.equal(response.status, 405);
    const body = await response.json();
    assert.match(body.error, /GET not allowed/);
    assert.deepEqual([body.args, body.kwargs], [[], {}]);
    const options = await fetch(call, { method: 'OPTIONS' });
    await options.body?.cancel();
    assert.equal(options.status, 200);
  });

  it('POST /publish returns the publication id and delivers the event', async () => {
    let resolveEvent!: (args: unknown[]) => void;
    const event = new Promise<unknown[]>((resolve) => (resolveEvent = resolve));
    await agent.subscribe('observatory.fake1.feeds.test', (args) => resolveEvent(args));
    const reply = await post(`${endpoint.url}/publish`, { topic: 'observatory.fake1.feeds.test', args: [{ v: 1 }] });
    assert.equal(reply.status, 200);
    assert.equal(typeof reply.body.id, 'number');
    assert.deepEqual(Object.keys(reply.body), ['id']);
    assert.deepEqual(await event, [{ v: 1 }]);
    assert.equal((await post(`${endpoint.url}/publish`, { args: [] })).status, 400);
  });

  it('GET /info answers 200 with JSON', async () => {
    const response = await fetch(`${endpoint.url}/info`);
    assert.equal(response.status, 200);
    const info = await response.json();
    assert.equal(info.node, 'ocs-sim');
    assert.ok(info.realms.some((r: { name: string }) => r.name === 'test_realm'));
  });

  it('counts bridge traffic', () => {
    assert.ok(endpoint.stats.calls >= 5);
    assert.ok(endpoint.stats.publishes >= 1);
    assert.ok(endpoint.stats.badRequests >= 8);
  });
});
