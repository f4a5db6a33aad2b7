// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Feed } from '../../src/agent/feed.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = 1_700_000_000;

function makeFeed(options: ConstructorParameters<typeof Feed>[4] = {}, name = 'temps') {
  const clock = new FakeClock(T0);
  const sent: { topic: string; args: unknown[] }[] = [];
  const identity = { agentAddress: 'observatory.fake-data1', sessionId: '1700000000.123456', agentClass: 'FakeDataAgent' };
  const feed = new Feed({ publish: (topic, args) => sent.push({ topic, args }) }, clock, identity, name, options);
  return { clock, feed, sent };
}

const message = (i: number, t: number) => ({ block_name: 'b', timestamp: t, data: { x: i, y: `s${i}` } });

describe('Feed (§2.2-2.3)', () => {
  it('encodes 7 keys in Python order', () => {
    const { feed } = makeFeed({ record: true, aggParams: { frame_length: 60 } });
    const e = feed.encoded();
    assert.deepEqual(Object.keys(e), ['agent_address', 'agg_params', 'feed_name', 'address', 'record', 'session_id', 'agent_class']);
    assert.deepEqual(e, {
      agent_address: 'observatory.fake-data1',
      agg_params: { frame_length: 60 },
      feed_name: 'temps',
      address: 'observatory.fake-data1.feeds.temps',
      record: true,
      session_id: '1700000000.123456',
      agent_class: 'FakeDataAgent',
    });
  });

  it('publishes a plain feed at once as one positional [message, feed]', () => {
    const { feed, sent } = makeFeed({}, 'heartbeat');
    feed.publish({ main: 3 });
    assert.deepEqual(sent, [{ topic: 'observatory.fake-data1.feeds.heartbeat', args: [[{ main: 3 }, feed.encoded()]] }]);
  });

  it('buffer_time 0 publishes every sample as a block dict', () => {
    const { feed, sent } = makeFeed({ record: true });
    feed.publish(message(1, T0));
    assert.deepEqual(sent[0]!.args, [[{ b: { block_name: 'b', data: { x: [1], y: ['s1'] }, influxdb_tags: null, timestamps: [T0] } }, feed.encoded()]]);
    feed.publish({ block_name: 'c', timestamps: [1, 2], data: { z: [true, false] } });
    assert.deepEqual(sent[1]!.args[0], [{ c: { block_name: 'c', data: { z: [true, false] }, influxdb_tags: null, timestamps: [1, 2] } }, feed.encoded()]);
  });

  it('keeps the last influxdb_tags a message gave its block, across flushes, as Python does', () => {
    const { feed, sent } = makeFeed({ record: true });
    feed.publish({ ...message(1, T0), influxdb_tags: { channel: 'a' } });
    feed.publish({ ...message(2, T0 + 1), influxdb_tags: null });
    const blocks = sent.map((s) => ((s.args as [[Record<string, { influxdb_tags: unknown }>]])[0][0].b as { influxdb_tags: unknown }).influxdb_tags);
    assert.deepEqual(blocks, [{ channel: 'a' }, { channel: 'a' }]);
    assert.deepEqual(Object.keys((sent[0]!.args as [[Record<string, object>]])[0][0].b as object), ['block_name', 'data', 'influxdb_tags', 'timestamps']);
  });

  it('buffer_time 1 at 1 Hz flushes on the next publish after 1 s: two samples every 2 s', () => {
    const { feed, sent, clock } = makeFeed({ record: true, bufferTime: 1 });
    for (let i = 0; i < 6; i++) {
      feed.publish(message(i, clock.now()));
      clock.advance(1000);
    }
    assert.equal(sent.length, 3);
    const first = (sent[0]!.args[0] as [Record<string, any>, unknown])[0];
    assert.deepEqual(first['b'].data.x, [0, 1]);
    assert.deepEqual(first['b'].timestamps, [T0, T0 + 1]);
    feed.publish(message(6, clock.now()));
    assert.equal(sent.length, 3);
    feed.flush();
    assert.equal(sent.length, 4);
    assert.deepEqual((sent[3]!.args[0] as [Record<string, any>, unknown])[0]['b'].data.x, [6]);
  });

  it('flushes only non-empty blocks, in creation order', () => {
    const { feed, sent, clock } = makeFeed({ record: true, bufferTime: 10 });
    feed.publish({ block_name: 'a', timestamp: 1, data: { a: 1 } });
    feed.publish({ block_name: 'b', timestamp: 1, data: { b: 1 } });
    clock.advance(10_000);
    feed.publish({ block_name: 'a', timestamp: 2, data: { a: 2 } });
    assert.deepEqual(Object.keys((sent[0]!.args[0] as [object])[0]), ['a', 'b']);
    feed.publish({ block_name: 'b', timestamp: 3, data: { b: 3 } }); // buffer restarts at this publish
    clock.advance(10_000);
    feed.publish({ block_name: 'a', timestamp: 4, data: { a: 4 } });
    assert.deepEqual(Object.keys((sent[1]!.args[0] as [object])[0]), ['a', 'b']);
  });

  it('refuses a changed block structure', () => {
    const { feed } = makeFeed({ record: true, bufferTime: 5 });
    feed.publish(message(1, T0));
    assert.throws(() => feed.publish({ block_name: 'b', timestamp: T0, data: { x: 1 } }), /^Exception: Block structure does not match: b$/);
  });

  it('verifies field names and value types with Python texts', () => {
    const { feed, sent } = makeFeed({ record: true });
    const bad = (data: Record<string, unknown>) => () => feed.publish({ block_name: 'q', timestamp: 1, data });
    assert.throws(bad({ '': 1 }), { name: 'ValueError', message: 'Empty field name encountered, please enter a valid field name.' });
    assert.throws(bad({ 'a-b': 1 }), {
      message: "message 'data' block contains the key a-b with the invalid character '-'. Valid characters are a-z, A-Z, 0-9, and underscore.",
    });
    assert.throws(bad({ '_1x': 1 }), {
      message: "message 'data' block contains the key _1x, which does not start with a letter (after any number of leading underscores.)",
    });
    assert.throws(bad({ ['a'.repeat(256)]: 1 }), {
      message: `message 'data' block contains key ${'a'.repeat(256)} which exceeds the valid length of 255 characters.`,
    });
    assert.throws(bad({ x: null }), { name: 'TypeError', message: "message 'data' block contains invalid data type: <class 'NoneType'>" });
    assert.throws(bad({ x: [1, null, {}] }), { message: "message 'data' block contains invalid datatypes: {<class 'NoneType'>, <class 'dict'>}" });
    assert.throws(() => feed.publish({ block_name: 'q', data: { x: 1 } }), {
      name: 'RuntimeError',
      message: "Invalid message when record=True.  keys=dict_keys(['block_name', 'data'])",
    });
    assert.throws(() => feed.publish([]), { name: 'TypeError' });
    assert.throws(() => feed.publish({ block_name: 'm', timestamps: [1, 2], data: { x: [1] } }), { name: 'ValueError' });
    assert.equal(sent.length, 0);
    feed.publish({ block_name: 'ok', timestamp: 1, data: { _: 1, __a: 2 } });
    assert.equal(sent.length, 1);
  });
});
