// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// GET /api/agents and /api/agents/:address: the table with our fields,
// filters, pagination, bad parameters and per-agent history.

import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type HttpHarness, startHttp } from './helpers.ts';

const PYTHON_KEYS = ['expired', 'time_expired', 'last_updated', 'op_codes', 'agent_class', 'agent_address'];

describe('GET /api/agents', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await startHttp();
    await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    await h.beat('fake2', { ops: { acq: 6, count: 1 } });
    await h.beat('lake1', { ops: { scan: 3 }, agentClass: 'LakeAgent' });
    await h.beat('fake3', { ops: { acq: 1 } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('lists every agent in join order: the Python entry first, then our fields', async () => {
    const { status, body } = await h.json('/api/agents');
    assert.equal(status, 200);
    assert.equal(body.total, 4);
    assert.equal(body.count, 4);
    assert.equal(body.next_offset, null);
    assert.deepEqual(body.agents.map((a: any) => a.agent_address), ['observatory.fake1', 'observatory.fake2', 'observatory.lake1', 'observatory.fake3']);
    const first = body.agents[0];
    assert.deepEqual(Object.keys(first).slice(0, 6), PYTHON_KEYS);
    assert.deepEqual(first.op_codes, { acq: 3, count: 1 });
    assert.equal(first.state, 'alive');
    assert.equal(first.restarts, 0);
    assert.equal(first.session_id, '1700000000.123456');
    assert.equal(typeof first.first_seen, 'number');
    assert.equal(typeof first.last_transition, 'number');
    assert.deepEqual(first.heartbeats, { count: 1, last_interval: null, mean_interval: null, jitter: null });
    assert.equal(first.collides_with, null);
    assert.match(body.last_event_id, /^[0-9a-z]+-4$/);
    assert.equal(body.time, h.net.clock.now());
  });

  it('shows each heartbeat and expiry in the next list, though entries are kept between requests', async () => {
    const entry = async (id: string) => (await h.json('/api/agents')).body.agents.find((a: any) => a.agent_address === `observatory.${id}`);
    const before = await entry('fake1');
    await h.net.advance(1000, 1000);
    await h.beat('fake1', { ops: { acq: 5, count: 1 } });
    const after = await entry('fake1');
    assert.equal(after.last_updated, before.last_updated + 1);
    assert.deepEqual(after.op_codes, { acq: 5, count: 1 });
    assert.equal(after.heartbeats.count, 2);
    await h.net.advance(5100, 100); // fake2 silent for 6.1 s
    const expired = await entry('fake2');
    assert.deepEqual([expired.expired, expired.state, expired.op_codes], [true, 'expired', { acq: 7, count: 7 }]);
  });

  it('reports heartbeat interval statistics', async () => {
    for (let i = 0; i < 4; i++) {
      await h.net.advance(1000, 1000);
      await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    }
    await h.net.advance(500, 500);
    const { body } = await h.json('/api/agents/observatory.fake1');
    assert.deepEqual(body.heartbeats, { count: 5, last_interval: 1, mean_interval: 1, jitter: 0, age: 0.5 });
    await h.net.advance(1500, 500);
    await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    const later = (await h.json('/api/agents/observatory.fake1')).body.heartbeats;
    assert.equal(later.last_interval, 2);
    assert.equal(later.mean_interval, 1.1);
    assert.equal(later.jitter, 0.1);
  });

  it('filters by state, class, prefix, op and op code', async () => {
    const list = async (query: string) => (await h.json(`/api/agents?${query}`)).body.agents.map((a: any) => a.agent_address.slice('observatory.'.length));
    await h.net.advance(4000, 1000);
    await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    await h.net.advance(2000, 1000); // all but fake1 silent for 6 s
    assert.deepEqual(await list('state=alive'), ['fake1']);
    assert.deepEqual(await list('state=expired'), ['fake2', 'lake1', 'fake3']);
    assert.deepEqual(await list('class=LakeAgent'), ['lake1']);
    assert.deepEqual(await list('prefix=observatory.fake'), ['fake1', 'fake2', 'fake3']);
    assert.deepEqual(await list('op=scan'), ['lake1']);
    assert.deepEqual(await list('code=running'), ['fake1']);
    assert.deepEqual(await list('code=7&class=FakeDataAgent'), ['fake2', 'fake3']);
    assert.deepEqual(await list('op=count&code=EXPIRED'), ['fake2']);
    assert.deepEqual(await list('op=acq&code=3'), ['fake1']);
  });

  it('paginates with limit and offset', async () => {
    const page1 = (await h.json('/api/agents?limit=3')).body;
    assert.deepEqual([page1.total, page1.count, page1.offset, page1.limit, page1.next_offset], [4, 3, 0, 3, 3]);
    const page2 = (await h.json(`/api/agents?limit=3&offset=${page1.next_offset}`)).body;
    assert.deepEqual([page2.count, page2.next_offset], [1, null]);
    assert.equal(page2.agents[0].agent_address, 'observatory.fake3');
    const past = (await h.json('/api/agents?offset=10')).body;
    assert.deepEqual([past.total, past.count, past.next_offset], [4, 0, null]);
    const filtered = (await h.json('/api/agents?prefix=observatory.fake&limit=1&offset=1')).body;
    assert.deepEqual([filtered.total, filtered.agents[0].agent_address, filtered.next_offset], [3, 'observatory.fake2', 2]);
  });

  const BAD: [string, string][] = [
    ['state=zombie', 'Invalid value for "state": "zombie" (expected alive, expired, suspect, flapping)'],
    ['limit=0', 'Invalid value for "limit": "0" (expected an integer from 1 to 100000)'],
    ['limit=ten', 'Invalid value for "limit": "ten" (expected an integer from 1 to 100000)'],
    ['limit=100001', 'Invalid value for "limit": "100001" (expected an integer from 1 to 100000)'],
    ['offset=-1', 'Invalid value for "offset": "-1" (expected an integer from 0 to 9007199254740991)'],
    ['code=9', 'Invalid value for "code": "9" (expected 1 to 8 or an op code name such as running or failed)'],
    ['code=sleeping', 'Invalid value for "code": "sleeping" (expected 1 to 8 or an op code name such as running or failed)'],
    ['class=', 'Invalid value for "class": "" (expected a non-empty string)'],
    ['sate=alive', 'Unknown query parameter "sate" (expected state, class, prefix, op, code, limit, offset)'],
    ['state=alive&state=expired', 'Query parameter "state" is given more than once'],
  ];
  for (const [query, message] of BAD) {
    it(`?${query} is a 400 naming the problem`, async () => {
      const { status, body, headers } = await h.json(`/api/agents?${query}`);
      assert.equal(status, 400);
      assert.match(headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(body, { error: message });
    });
  }
});

describe('GET /api/agents/:address', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await startHttp();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('shows one agent with its ops and recent transitions, oldest first', async () => {
    await h.beat('fake1', { ops: { acq: 1, count: 1 } });
    await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    await h.net.advance(6000, 1000);
    await h.beat('fake1', { ops: { acq: 3, count: 1 }, sessionId: '1700000099.1' });
    const { status, body } = await h.json('/api/agents/observatory.fake1');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).slice(0, 6), PYTHON_KEYS);
    assert.equal(body.restarts, 1);
    // Two beats at once: a mean interval of 0, so suspect after the 1 s floor, before it expires.
    assert.deepEqual(body.history.map((t: any) => t.type), ['joined', 'ops-changed', 'suspect', 'expired', 'restarted', 'revived']);
    const revived = body.history[5].at;
    assert.deepEqual(body.ops, [
      { name: 'acq', code: 3, code_name: 'RUNNING', field: 'observatory_fake1_acq', in_code_since: revived },
      { name: 'count', code: 1, code_name: 'NONE', field: 'observatory_fake1_count', in_code_since: revived },
    ]);
    assert.equal(body.stale_since, null);
    assert.equal(body.timeout, 5);
    assert.equal(body.suspect, null);
    assert.equal(body.flapping, null);
    assert.deepEqual(body.history[3].op_codes, { acq: 7, count: 7 });
    assert.match(body.history[0].id, /-1$/);
  });

  it('keeps a bounded history per agent', async () => {
    h.app.close();
    await h.stop();
    h = await startHttp({ historyPerAgent: 3 });
    for (let code = 1; code <= 6; code++) await h.beat('fake1', { ops: { acq: code } });
    const { body } = await h.json('/api/agents/observatory.fake1');
    assert.deepEqual(body.history.map((t: any) => t.op_codes.acq), [4, 5, 6]);
  });

  it('an unknown agent is a 404 naming it; a query parameter is a 400', async () => {
    await h.beat('fake1');
    const missing = await h.json('/api/agents/observatory.nobody');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'No agent at "observatory.nobody"' });
    const bad = await h.json('/api/agents/observatory.fake1?verbose=1');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'Unknown query parameter "verbose" (this endpoint takes none)' });
  });
});
