// The per-agent JSON of GET /api/agents: always what a fresh render would
// give, rendered again only for agents that changed, and kept warm by a
// timer only while the list is being read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '../../src/core/index.ts';
import { AgentListCache, listStream } from '../../src/http/agent-list.ts';
import { agentView } from '../../src/http/agent-view.ts';
import { FakeClock } from '../support/fake-clock.ts';

function heartbeat(id: string, ops: Record<string, number>, session = '1700000000.1'): [string, unknown[]] {
  const address = `observatory.${id}`;
  const feed = {
    agent_address: address,
    agg_params: {},
    feed_name: 'heartbeat',
    address: `${address}.feeds.heartbeat`,
    record: false,
    session_id: session,
    agent_class: 'FakeDataAgent',
  };
  return [`${address}.feeds.heartbeat`, [[ops, feed]]];
}

function setup() {
  const clock = new FakeClock();
  const registry = new Registry({ addressRoot: 'observatory' });
  const list = new AgentListCache(registry, clock, { refreshMs: 100, warmMs: 1000 });
  const beat = (id: string, ops: Record<string, number> = { acq: 3 }, session?: string) => registry.ingest(...heartbeat(id, ops, session), clock.now());
  /** Every entry as the cache gives it, and as a fresh render would. */
  const both = () => registry.agents().map((a) => [new TextDecoder().decode(list.entry(a)), JSON.stringify(agentView(a))]);
  return { clock, registry, list, beat, both };
}

describe('agent list entries', () => {
  it('match a fresh render after heartbeats, op changes, restarts, expiry and revival', () => {
    const { clock, registry, beat, both } = setup();
    const check = () => {
      for (const [cached, fresh] of both()) assert.equal(cached, fresh);
    };
    beat('a');
    beat('b');
    check();
    clock.advance(1000);
    beat('a', { acq: 5 });
    check();
    beat('b', { acq: 3 }, '1700000099.1'); // restart
    check();
    clock.advance(5500);
    registry.expire(clock.now());
    check();
    beat('b', { acq: 3 }, '1700000099.1'); // revived
    check();
  });

  it('render again only the agents that changed', () => {
    const { clock, registry, list, beat } = setup();
    for (let i = 0; i < 10; i++) beat(`agent-${i}`);
    for (const a of registry.agents()) list.entry(a);
    assert.equal(list.rendered, 10);
    clock.advance(1000);
    beat('agent-3');
    beat('agent-7');
    for (const a of registry.agents()) list.entry(a);
    assert.equal(list.rendered, 12);
  });

  it('stream into one JSON body after the page head, across chunks, non-ASCII and huge entries intact', async () => {
    const utf8 = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
    const read = async (head: string, entries: Uint8Array[]) => JSON.parse(await new Response(listStream(head, entries)).text());
    assert.deepEqual(await read('{"total":2}', [utf8({ a: 'é' }), utf8({ b: '→' })]), { total: 2, agents: [{ a: 'é' }, { b: '→' }] });
    assert.deepEqual(await read('{"total":0,"count":0}', []), { total: 0, count: 0, agents: [] });
    // 3,000 entries of about 100 bytes span several 64 KB chunks; one of 200 KB is larger than a chunk.
    const many = Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'x'.repeat(90 + (i % 7)) }));
    many.splice(1500, 0, { i: -1, pad: 'y'.repeat(200_000) });
    assert.deepEqual(await read('{"n":1}', many.map(utf8)), { n: 1, agents: many });
    assert.deepEqual(await read('{"n":1}', [utf8({ big: 'z'.repeat(100_000) })]), { n: 1, agents: [{ big: 'z'.repeat(100_000) }] });
  });

  it('are kept warm by a timer while the list is read, and the timer stops when it is not', () => {
    const { clock, list, beat } = setup();
    beat('a');
    assert.equal(clock.pendingTimers, 0, 'no timer before the first list request');
    list.touch();
    assert.equal(list.warm, true);
    clock.advance(100);
    assert.equal(list.rendered, 1, 'the timer rendered the entry');
    clock.advance(500);
    beat('a');
    clock.advance(100);
    assert.equal(list.rendered, 2, 'and renders it again after a heartbeat');
    clock.advance(1000);
    assert.equal(list.warm, false, 'no request for the warm period: the timer stopped');
    assert.equal(clock.pendingTimers, 0);
    list.touch();
    list.close();
    assert.equal(clock.pendingTimers, 0, 'close() stops it');
    list.touch();
    assert.equal(clock.pendingTimers, 0, 'and a request served after close() starts none');
  });
});
