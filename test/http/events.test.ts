// GET /api/events: event order and ids, Last-Event-ID resume, resync, slow
// clients dropped with bounded memory, rate-limited rejections, shutdown.

import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feedFor } from '../support/heartbeats.ts';
import { type HttpHarness, SseReader, startHttp } from './helpers.ts';

describe('GET /api/events', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  async function connect(init?: RequestInit, path = '/api/events'): Promise<SseReader> {
    const response = await h.app.request(path, init);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    return new SseReader(response);
  }

  it('streams joined, ops-changed, expired, revived, restarted and rejected in order, with increasing ids', async () => {
    h = await startHttp();
    const sse = await connect();
    const first = await sse.take();
    assert.deepEqual(first, [{ retry: '2000' }]);
    await h.beat('fake1', { ops: { acq: 1 } });
    await h.beat('fake1', { ops: { acq: 3 } });
    await h.net.advance(6000, 1000);
    await h.beat('fake1', { ops: { acq: 3 } });
    await h.beat('fake1', { ops: { acq: 3 }, sessionId: 'new-process' });
    await h.raw('observatory.bad.feeds.heartbeat', [[{ acq: 99 }, feedFor('observatory.bad')]]);
    const events = await sse.events();
    // Two beats at once give a mean interval of 0: suspect after the 1 s floor, before the expiry.
    assert.deepEqual(events.map((e) => e.event), ['joined', 'ops-changed', 'suspect', 'expired', 'revived', 'restarted', 'rejected']);
    const epoch = h.app.events.log.epoch;
    assert.deepEqual(events.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7].map((n) => `${epoch}-${n}`));
    const joined = JSON.parse(events[0]!.data!);
    assert.deepEqual(joined, {
      address: 'observatory.fake1',
      agent_class: 'FakeDataAgent',
      state: 'alive',
      at: joined.at,
      op_codes: { acq: 1 },
      session_id: '1700000000.123456',
      restarts: 0,
      suspect: null,
      flapping: null,
    });
    assert.deepEqual(JSON.parse(events[2]!.data!).suspect, { reason: 'late', since: joined.at + 1 });
    assert.deepEqual(JSON.parse(events[3]!.data!).op_codes, { acq: 7 });
    assert.equal(JSON.parse(events[3]!.data!).state, 'expired');
    assert.equal(JSON.parse(events[5]!.data!).restarts, 1);
    const rejected = JSON.parse(events[6]!.data!);
    assert.equal(rejected.reason, 'bad_op_code');
    assert.equal(rejected.suppressed, 0);
    await sse.cancel();
  });

  it('one heartbeat can be several events: revived with new codes is revived then ops-changed', async () => {
    h = await startHttp();
    await h.beat('fake1', { ops: { acq: 3 } });
    await h.net.advance(6000, 1000);
    const sse = await connect();
    await h.beat('fake1', { ops: { acq: 6, count: 1 } });
    const events = await sse.events();
    assert.deepEqual(events.map((e) => e.event), ['revived', 'ops-changed']);
    assert.deepEqual(JSON.parse(events[1]!.data!).op_codes, { acq: 6, count: 1 });
  });

  it('resumes after Last-Event-ID (header or last_event_id), header first', async () => {
    h = await startHttp();
    for (let i = 1; i <= 5; i++) await h.beat(`fake${i}`);
    const { log } = h.app.events;
    const byHeader = await connect({ headers: { 'Last-Event-ID': log.idOf(2) } });
    assert.deepEqual((await byHeader.events()).map((e) => e.id), [3, 4, 5].map((n) => log.idOf(n)));
    const byQuery = await connect(undefined, `/api/events?last_event_id=${log.idOf(4)}`);
    assert.deepEqual((await byQuery.events()).map((e) => e.id), [log.idOf(5)]);
    const both = await connect({ headers: { 'Last-Event-ID': log.idOf(3) } }, `/api/events?last_event_id=${log.idOf(4)}`);
    assert.equal((await both.events()).length, 2);
    // ... and keeps streaming live events after the replay
    await h.beat('fake6');
    assert.deepEqual((await byHeader.events()).map((e) => e.id), [log.idOf(6)]);
    const upToDate = await connect({ headers: { 'Last-Event-ID': log.idOf(6) } });
    assert.deepEqual(await upToDate.events(), []);
  });

  it('answers an id it cannot resume with a resync event carrying the newest id', async () => {
    h = await startHttp({ eventBufferSize: 3 });
    for (let i = 1; i <= 5; i++) await h.beat(`fake${i}`);
    const { log } = h.app.events;
    for (
      const [id, reason] of [
        ['otherprocess-3', 'Event id "otherprocess-3" is not from this registry process'],
        [log.idOf(1), `Event id "${log.idOf(1)}" is older than the 3 events kept`],
        [log.idOf(9), `Event id "${log.idOf(9)}" is newer than the newest event`],
      ] as const
    ) {
      const sse = await connect({ headers: { 'Last-Event-ID': id } });
      const events = await sse.events();
      assert.deepEqual(events, [{ id: log.idOf(5), event: 'resync', data: JSON.stringify({ reason }) }]);
    }
    const oldestKept = await connect({ headers: { 'Last-Event-ID': log.idOf(2) } });
    assert.deepEqual((await oldestKept.events()).map((e) => e.event), ['joined', 'joined', 'joined']);
  });

  it('drops a client that stops reading once it falls out of the buffer, and buffers nothing for it', async () => {
    h = await startHttp({ eventBufferSize: 50 });
    const slow = await connect();
    const fast = await connect();
    const stats = h.app.events.stream.stats;
    assert.equal(stats.clients, 2);
    for (let i = 0; i < 49; i++) await h.beat(`a${i}`);
    assert.equal((await fast.events()).length, 49);
    assert.equal(stats.clients, 2, 'still within the buffer');
    let fastGot = 0;
    for (let i = 0; i < 2000; i++) {
      await h.beat(`b${i}`); // the slow one never reads; the fast one reads every 10 events
      if (i % 10 === 9) fastGot += (await fast.events()).length;
    }
    assert.equal(fastGot, 2000);
    assert.equal(stats.clients, 1);
    assert.equal(stats.dropped, 1);
    // Nothing was queued for it: its stream just ends (at most the retry hint first).
    const leftover = await slow.take();
    assert.ok(leftover.length <= 1 && leftover.every((e) => e.event === undefined), JSON.stringify(leftover));
    assert.equal(slow.done, true);
  });

  it('rate-limits rejected-heartbeat events and reports how many were suppressed', async () => {
    h = await startHttp({ rejectedEventsPerSecond: 3 });
    const sse = await connect();
    for (let i = 0; i < 5; i++) await h.raw('observatory.x.feeds.heartbeat', [['not', 'a heartbeat']]);
    await h.net.advance(1000, 1000);
    await h.raw('observatory.x.feeds.heartbeat', [[]]);
    const events = await sse.events();
    assert.deepEqual(events.map((e) => e.event), ['rejected', 'rejected', 'rejected', 'rejected']);
    assert.deepEqual(events.map((e) => JSON.parse(e.data!).suppressed), [0, 0, 0, 2]);
    const counted = Object.values(h.net.registry.registry.counters.rejected).reduce((a, b) => a + b, 0);
    assert.equal(counted, 6, 'all are still counted');
  });

  it('keeps an idle stream alive with a comment, on the injected clock', async () => {
    h = await startHttp({ keepAliveMs: 1000 });
    const sse = await connect();
    await sse.take();
    h.net.clock.advance(1000);
    const response = await sse.take();
    assert.deepEqual(response, [{}], 'a comment-only frame');
  });

  it('close() ends every stream and refuses new ones', async () => {
    h = await startHttp();
    const sse = await connect();
    await sse.take();
    h.app.close();
    await sse.take();
    assert.equal(sse.done, true);
    assert.equal(h.app.events.stream.stats.clients, 0);
    const after = await h.json('/api/events');
    assert.equal(after.status, 503);
    assert.deepEqual(after.body, { error: 'The registry is shutting down' });
  });

  it('refuses clients beyond the limit with a 503', async () => {
    h = await startHttp({ maxEventClients: 2 });
    const a = await connect();
    await connect();
    const third = await h.json('/api/events');
    assert.equal(third.status, 503);
    assert.match(third.body.error, /Too many event-stream clients/);
    await a.cancel();
    assert.equal(h.app.events.stream.stats.clients, 1, 'a cancelled client is removed');
    assert.equal((await h.app.request('/api/events')).status, 200);
  });

  it('a bad query parameter is a 400', async () => {
    h = await startHttp();
    const { status, body } = await h.json('/api/events?since=3');
    assert.equal(status, 400);
    assert.deepEqual(body, { error: 'Unknown query parameter "since" (expected last_event_id)' });
  });
});
