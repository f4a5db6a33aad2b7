// A heartbeat read in place from its JSON text (Registry.refreshFromText)
// must do exactly what ingest does with the parsed event, or nothing at all
// (then the caller parses and ingests it). Two registries with the same
// history take the same events, one through the text first, the other only
// parsed; their tables and counters must stay equal. Replay the property
// with FC_SEED=<seed>.
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Registry } from '../../src/core/index.ts';
import { feedFor } from '../support/heartbeats.ts';

const T0 = 1_700_000_000;

/** An EVENT's text as a router writes it, and where its topic and args are. */
function eventText(topic: string, args: unknown): { text: string; topicFrom: number; topicTo: number; argsFrom: number; argsTo: number } {
  const head = `[36,5,9,{"topic":${JSON.stringify(topic)}},`;
  const argsText = JSON.stringify(args);
  const text = `${head}${argsText}]`;
  return { text, topicFrom: head.indexOf(':') + 2, topicTo: head.length - 3, argsFrom: head.length, argsTo: head.length + argsText.length };
}

/** Feed both registries one event: `a` tries the text first. Returns whether the text path took it. */
function feedBoth(a: Registry, b: Registry, topic: string, argsText: string, now: number): boolean {
  const head = `[36,5,9,{"topic":${JSON.stringify(topic)}},`;
  const text = `${head}${argsText}]`;
  const plainTopic = ![...topic].some((c) => c === '"' || c === '\\' || c.charCodeAt(0) < 0x20);
  const took = plainTopic && a.refreshFromText(text, head.length - 3 - topic.length, head.length - 3, head.length, head.length + argsText.length, now);
  let args: unknown;
  try {
    args = JSON.parse(argsText);
  } catch {
    assert.equal(took, false, `took text that is not JSON: ${argsText}`);
    return false;
  }
  const result = b.ingest(topic, args, now);
  if (took) assert.equal(result, null, `text path took a heartbeat ingest ${result === null ? '' : `gave ${result.kind}`}: ${argsText}`);
  else a.ingest(topic, args, now);
  return took;
}

function same(a: Registry, b: Registry): void {
  assert.equal(JSON.stringify(a.table()), JSON.stringify(b.table()));
  assert.deepEqual(a.counters, b.counters);
  for (const agent of a.agents()) {
    const other = b.get(agent.agent_address)!;
    assert.equal(agent.heartbeats, other.heartbeats);
    assert.equal(agent.meanInterval, other.meanInterval);
  }
}

describe('heartbeats read in place (Registry.refreshFromText)', () => {
  it('refreshes a known agent that repeats itself, and leaves everything else to ingest', () => {
    const a = new Registry({ addressRoot: 'observatory' });
    const b = new Registry({ addressRoot: 'observatory' });
    const ops = { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 };
    const args = (o: unknown, feed = feedFor('observatory.x')) => JSON.stringify([[o, feed]]);
    const topic = 'observatory.x.feeds.heartbeat';
    assert.equal(feedBoth(a, b, topic, args(ops), T0), false, "a join is ingest's");
    assert.equal(feedBoth(a, b, topic, args(ops), T0 + 1), true);
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }), T0 + 2), false, "an op change is ingest's");
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }), T0 + 3), true);
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }, feedFor('observatory.x', 'FakeDataAgent', '2.5')), T0 + 4), false, 'a restart');
    assert.equal(feedBoth(a, b, 'observatory.y.feeds.heartbeat', args({ ...ops, acq: 3 }, feedFor('observatory.x', 'FakeDataAgent', '2.5')), T0 + 5), false);
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }, feedFor('observatory.x', 'FakeDataAgent', '2.5')).replace('{"acq"', '{ "acq"'), T0 + 6), false);
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }, feedFor('observatory.x', 'FakeDataAgent', '2.5')), T0 + 7), true);
    for (const change of a.expire(T0 + 20)) assert.ok(change.expired);
    b.expire(T0 + 20);
    assert.equal(feedBoth(a, b, topic, args({ ...ops, acq: 3 }, feedFor('observatory.x', 'FakeDataAgent', '2.5')), T0 + 21), false, 'a revival');
    same(a, b);
  });

  it('does what ingest does, or nothing, for any event text (property)', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`heartbeat text property: seed ${seed} (replay with FC_SEED=${seed})`);
    const id = fc.constantFrom('a', 'b', 'c-1', '7');
    // Mostly what agents send, sometimes what the core refuses or the text path must not read.
    const odd = <T>(usual: fc.Arbitrary<T>, ...others: T[]): fc.Arbitrary<T> =>
      fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: fc.constantFrom(...others) });
    const name = odd(fc.constantFrom('acq', 'count', 'x', 'é'), '1', '__proto__', 'a"b', '', 'a\\b');
    const ops = fc.dictionary(name, odd<unknown>(fc.integer({ min: 1, max: 8 }), 0, 9, 1.5, '1', null), { maxKeys: 4 });
    const session = odd<unknown>(fc.constantFrom('1.5', '2.5'), null, undefined, 7, 'x"y');
    const agentClass = odd<unknown>(fc.constantFrom('FakeDataAgent', 'Other'), null, undefined, 3, 'y'.repeat(300));
    const event = fc.record({ id, topicId: fc.option(id, { nil: undefined }), ops, session, agentClass, extra: fc.option(fc.jsonValue(), { nil: undefined }) });
    // Text variations: as JSON.stringify writes it, or touched (spaces, escapes, duplicate keys, more args).
    const edit = fc.constantFrom('none', 'none', 'none', 'space', 'escape', 'duplicate', 'more_args', 'number', 'truncate');
    let taken = 0;
    let total = 0;
    fc.assert(
      // A few heartbeats, sent again and again in some order (repeats are what the text path takes).
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), edit, odd(fc.constant(1), 0, 2, 3)), { minLength: 1, maxLength: 40 }),
        (pool, steps) => {
          const events = steps.map(([k, how, gap]) => [pool[k % pool.length]!, how, gap] as const);
          const a = new Registry({ addressRoot: 'observatory', agentTimeout: 5 });
          const b = new Registry({ addressRoot: 'observatory', agentTimeout: 5 });
          let now = T0;
          for (const [e, how, gap] of events) {
            now += gap * 0.75;
            for (const change of a.expire(now)) void change;
            b.expire(now);
            const address = `observatory.${e.id}`;
            const feed: Record<string, unknown> = {
              agent_address: address,
              agg_params: {},
              feed_name: 'heartbeat',
              address: `${address}.feeds.heartbeat`,
              record: false,
            };
            if (e.session !== undefined) feed.session_id = e.session;
            if (e.agentClass !== undefined) feed.agent_class = e.agentClass;
            if (e.extra !== undefined) feed.extra = e.extra;
            let text = JSON.stringify([[e.ops, feed]]);
            if (how === 'space') text = text.replace(',"', ', "');
            else if (how === 'escape') text = text.replace('agent_address', 'agent\\u005faddress');
            else if (how === 'duplicate') text = text.replace('{"agent_address"', '{"agent_address":"observatory.zz","agent_address"');
            else if (how === 'more_args') text = `${text.slice(0, -1)},1]`;
            else if (how === 'number') text = text.replace(':1', ':1.0');
            else if (how === 'truncate') text = text.slice(0, -2);
            if (feedBoth(a, b, `observatory.${e.topicId ?? e.id}.feeds.heartbeat`, text, now)) taken++;
            total++;
            same(a, b);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
    // The text path must have been tried for real, not only refused.
    console.log(`text path took ${taken} of ${total} events`);
    assert.ok(taken > total / 50, `text path took ${taken} of ${total} events`);
  });

  it('reads ids, topics and args only where the event says', () => {
    const registry = new Registry({ addressRoot: 'observatory' });
    const args = [[{ acq: 1 }, feedFor('observatory.x')]];
    registry.ingest('observatory.x.feeds.heartbeat', args, T0);
    const e = eventText('observatory.x.feeds.heartbeat', args);
    assert.equal(registry.refreshFromText(e.text, e.topicFrom, e.topicTo, e.argsFrom, e.argsTo, T0 + 1), true);
    // The args must end exactly where the caller says (kwargs or trailing text are not heartbeats read here).
    assert.equal(registry.refreshFromText(e.text, e.topicFrom, e.topicTo, e.argsFrom, e.argsTo - 1, T0 + 2), false);
    assert.equal(registry.refreshFromText(`${e.text.slice(0, -1)},{}]`, e.topicFrom, e.topicTo, e.argsFrom, e.argsTo + 3, T0 + 2), false);
    assert.equal(registry.counters.heartbeats, 2);
  });
});
