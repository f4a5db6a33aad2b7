// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import type { OpsReply } from '../../src/agent/operation-table.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { advance, RecordingSession } from './helpers.ts';

const T0 = 1_700_000_000;
type AnyReply = [number, string, Record<string, any>];

async function setup(options: Partial<ConstructorParameters<typeof FakeDataAgent>[0]> = {}) {
  const clock = new FakeClock(T0);
  const fake = new FakeDataAgent({ clock, random: () => 0.5, ...options });
  const wamp = new RecordingSession(clock);
  await fake.join(wamp);
  const ops = (args: unknown[], kwargs = {}) => fake.agent.opsEndpoint(args, kwargs, {}) as OpsReply | Promise<OpsReply>;
  const status = (op: string) => (ops(['status', op, {}]) as AnyReply)[2];
  return { clock, fake, wamp, ops, status };
}

describe('FakeDataAgent (§6)', () => {
  it('heartbeat lists acq, count, set_heartbeat, delay_task; get_api is sorted with docstrings', async () => {
    const { wamp, fake } = await setup();
    const [message, feed] = wamp.on('observatory.fake-data1.feeds.heartbeat')[0] as [object, Record<string, unknown>];
    assert.deepEqual(message, { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 });
    assert.equal(feed['agent_class'], 'FakeDataAgent');
    const api = fake.agent.managementEndpoint(['get_api'], {}, {}) as Record<string, any>;
    assert.deepEqual(api['processes'].map((p: unknown[]) => p[0]), ['acq', 'count']);
    assert.deepEqual(api['tasks'].map((p: unknown[]) => p[0]), ['delay_task', 'set_heartbeat']);
    assert.match(api['processes'][0][2].docstring, /^acq\(test_mode=False, degradation_period=None\)\n\n {8}\*\*Process\*\*/);
    assert.equal(api['processes'][1][2].docstring, null);
    assert.deepEqual(api['tasks'][0][2], {
      blocking: false,
      abortable: true,
      docstring: api['tasks'][0][2].docstring,
      op_type: 'task',
      min_privs: 1,
    });
    assert.equal(api['tasks'][1][2].abortable, false);
    assert.deepEqual(api['feeds'].map((f: unknown[]) => f[0]), ['false_temperatures', 'heartbeat']);
    assert.deepEqual(api['feeds'][0][1].agg_params, { frame_length: 60 });
    await fake.leave();
  });

  it('delay_task runs, reports data, and ends SUCCEEDED or FAILED by succeed', async () => {
    const { clock, ops, status } = await setup();
    assert.deepEqual((ops(['start', 'delay_task', { delay: 1 }]) as AnyReply).slice(0, 2), [0, 'Started task "delay_task".']);
    await advance(clock, 600);
    assert.deepEqual(status('delay_task')['data'], { requested_delay: 1, delay_so_far: 0.5 });
    const pending = ops(['wait', 'delay_task', {}]);
    await advance(clock, 500);
    const done = (await pending) as AnyReply;
    assert.equal(done[1], 'Operation "delay_task" is currently not running (SUCCEEDED).');
    assert.equal(done[2]['messages'].at(-2)[1], 'Exited after 1.0 seconds');
    ops(['start', 'delay_task', { delay: 0, succeed: false }]);
    await advance(clock, 0);
    assert.equal(status('delay_task')['op_code'], 6);
    assert.deepEqual(ops(['start', 'delay_task', { delay: -1 }]), [-1, "Param 'delay' failed validity check (see docs?).", {}]);
  });

  it('delay_task abort sets stopping in the reply and ends FAILED', async () => {
    const { clock, ops, status } = await setup();
    ops(['start', 'delay_task', {}]);
    await advance(clock, 1000);
    const reply = ops(['abort', 'delay_task', {}]) as AnyReply;
    assert.equal(reply[1], 'Requested abort on task delay_task".');
    assert.equal(reply[2]['status'], 'stopping');
    await advance(clock, 500);
    assert.equal(status('delay_task')['op_code'], 6);
    assert.equal(status('delay_task')['messages'].at(-2)[1], 'Aborted after 1.0 seconds');
  });

  it('count increments every second until stopped', async () => {
    const { clock, ops, status } = await setup();
    ops(['start', 'count', {}]);
    await advance(clock, 3000);
    assert.equal(status('count')['data'].counter, 3);
    const reply = ops(['stop', 'count', {}]) as AnyReply;
    assert.equal(reply[2]['op_code'], 4);
    await advance(clock, 1000);
    assert.equal(status('count')['op_code'], 5);
    assert.equal(status('count')['messages'].at(-2)[1], 'Exited on request.');
  });

  it('set_heartbeat turns the heartbeat off and on', async () => {
    const { clock, ops, wamp, fake } = await setup();
    const topic = 'observatory.fake-data1.feeds.heartbeat';
    ops(['start', 'set_heartbeat', { heartbeat: false }]);
    await advance(clock, 0);
    assert.equal(fake.agent.heartbeatOn, false);
    const before = wamp.on(topic).length;
    await advance(clock, 5000);
    assert.equal(wamp.on(topic).length, before);
    ops(['start', 'set_heartbeat', {}]);
    await advance(clock, 1000);
    assert.ok(wamp.on(topic).length > before);
    const s = (ops(['status', 'set_heartbeat', {}]) as AnyReply)[2];
    assert.equal(s['messages'].at(-2)[1], 'Set heartbeat_on: True');
    assert.deepEqual(s['data'], {});
  });

  it('acq publishes false_temperatures about every 2 s and stops cleanly (blocking stopper)', async () => {
    const { clock, ops, wamp, status } = await setup();
    const topic = 'observatory.fake-data1.feeds.false_temperatures';
    ops(['start', 'acq', {}]);
    await advance(clock, 4100, 100);
    const events = wamp.published.filter((p) => p.topic === topic);
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => e.at - T0), [2, 4]);
    const [blocks, feed] = events[0]!.args[0] as [Record<string, any>, Record<string, unknown>];
    assert.deepEqual(Object.keys(blocks), ['temps']);
    assert.deepEqual(Object.keys(blocks['temps'].data), ['channel_00', 'channel_01']);
    assert.equal(blocks['temps'].timestamps.length, 19); // 9 + 10 samples at 9.5 Hz
    assert.equal(blocks['temps'].data.channel_00.length, 19);
    assert.equal(feed['record'], true);
    const data = status('acq')['data'];
    assert.deepEqual(Object.keys(data), ['fields', 'timestamp']);
    const reply = ops(['stop', 'acq', {}]) as AnyReply;
    assert.equal(reply[2]['status'], 'running');
    await advance(clock, 1000);
    assert.equal(status('acq')['op_code'], 5);
    assert.equal(status('acq')['messages'].at(-2)[1], 'Acquisition exited cleanly.');
  });

  it('acq test_mode runs one interval; degradation_period alternates 8 and 3', async () => {
    const { clock, ops, status } = await setup();
    ops(['start', 'acq', { test_mode: true }]);
    await advance(clock, 1100, 100);
    assert.equal(status('acq')['op_code'], 5);
    ops(['start', 'acq', { degradation_period: 2 }]);
    await advance(clock, 100);
    assert.equal(status('acq')['op_code'], 8);
    // Flips are checked once per loop turn (each 1 s report): the first after 2 s falls at 3 s.
    await advance(clock, 3000, 100);
    assert.equal(status('acq')['op_code'], 3);
  });

  it('mode acq starts acq and count on the first join', async () => {
    const { clock, status, fake } = await setup({ mode: 'acq' });
    await advance(clock, 0);
    assert.equal(status('acq')['op_code'], 3);
    assert.equal(status('count')['op_code'], 3);
    fake.agent.stopAllSessions();
    await advance(clock, 1500, 100);
    assert.equal(status('acq')['op_code'], 5);
    assert.equal(status('count')['op_code'], 5);
  });

  it('delay_task needs level 2 under another access policy', async () => {
    const { ops } = await setup({ accessPolicy: 'override:pw2' });
    assert.equal((ops(['start', 'delay_task', {}]) as AnyReply)[0], -1);
  });
});
