// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// The interop checklist of docs/ocs-protocol.md §10 (items 1 and 3-21), against the
// TypeScript Registry Agent on the in-process router with TypeScript
// FakeDataAgents, every message round-tripped through JSON.

import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventDetails } from '../../src/wamp/session.ts';
import { Network, REGISTRY } from '../support/network.ts';

const FAKE_OPS = { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 };

describe('Registry Agent interop checklist (§10)', () => {
  let net: Network;
  beforeEach(async () => {
    net = await Network.start({ waitTime: 5 });
  });
  afterEach(async () => {
    await net.stop();
  });

  it('1: get_api describes a RegistryAgent with main, register_agent, its feeds and access_control', async () => {
    const api = await net.management(REGISTRY, 'get_api');
    assert.deepEqual(Object.keys(api), ['agent_class', 'instance_hostname', 'instance_pid', 'feeds', 'processes', 'tasks', 'access_control']);
    assert.equal(api.agent_class, 'RegistryAgent');
    assert.equal(api.instance_pid, 4242);
    assert.equal(api.processes[0][0], 'main');
    assert.equal(api.tasks[0][0], 'register_agent');
    assert.deepEqual(api.feeds.map((f: [string, unknown]) => f[0]), ['agent_operations', 'heartbeat']);
    assert.deepEqual(api.processes[0][2], { blocking: false, docstring: api.processes[0][2].docstring, op_type: 'process', min_privs: 1 });
    assert.match(api.processes[0][2].docstring, /^main\(test_mode=False\)\n/);
    assert.deepEqual(api.tasks[0][1], { op_name: 'register_agent', status: 'no_history' });
    assert.deepEqual(api.tasks[0][2], { blocking: false, abortable: false, docstring: null, op_type: 'task', min_privs: 1 });
    assert.deepEqual({ ...api.access_control, update_timestamp: 0 }, { version: 1, policy: 'none', update_timestamp: 0, update_count: 0, step: 0 });
  });

  it('3: main is running (op_code 3, session_id 0) without an explicit start', async () => {
    await net.advance(100);
    const [status, message, session] = await net.ops(REGISTRY, ['status', 'main', {}]);
    assert.equal(status, 0);
    assert.equal(message, 'Session active.');
    assert.equal(session.op_code, 3);
    assert.equal(session.session_id, 0);
    assert.equal(session.status, 'running');
  });

  it('4: the registry heartbeat carries main and register_agent at 1 Hz', async () => {
    const beats: { at: number; args: unknown[] }[] = [];
    await net.client.subscribe(`${REGISTRY}.feeds.heartbeat`, (args) => beats.push({ at: net.clock.now(), args }));
    await net.advance(5000);
    assert.equal(beats.length, 5);
    for (let i = 1; i < beats.length; i++) assert.ok(Math.abs((beats[i]!.at - beats[i - 1]!.at) - 1) <= 0.1);
    const [[ops, feed]] = beats.at(-1)!.args as [[Record<string, number>, Record<string, unknown>]];
    assert.deepEqual(ops, { main: 3, register_agent: 1 });
    assert.deepEqual({ ...feed, session_id: 'x' }, {
      agent_address: REGISTRY,
      agg_params: {},
      feed_name: 'heartbeat',
      address: `${REGISTRY}.feeds.heartbeat`,
      record: false,
      session_id: 'x',
      agent_class: 'RegistryAgent',
    });
    assert.equal(typeof feed.session_id, 'string');
  });

  it('5, 6: a FakeDataAgent appears with the Python entry; the registry does not list itself', async () => {
    await net.addFakeData('fake-data-local');
    await net.advance(100);
    const table = await net.table();
    assert.deepEqual(Object.keys(table), ['observatory.fake-data-local']);
    const entry = table['observatory.fake-data-local'];
    assert.deepEqual({ ...entry, last_updated: 0 }, {
      expired: false,
      time_expired: null,
      last_updated: 0,
      op_codes: FAKE_OPS,
      agent_class: 'FakeDataAgent',
      agent_address: 'observatory.fake-data-local',
    });
    assert.ok(Math.abs(entry.last_updated - net.clock.now()) <= 1.5);
  });

  it('7, 8: set_heartbeat(False) expires the agent (all codes 7), set_heartbeat(True) revives it', async () => {
    await net.addFakeData('fake-data1');
    await net.advance(1000);
    await net.ops('observatory.fake-data1', ['start', 'set_heartbeat', { heartbeat: false }]);
    await net.advance(1000);
    const quietSince = net.table().then((t) => t['observatory.fake-data1'].last_updated);
    await net.advance(6000);
    const expired = (await net.table())['observatory.fake-data1'];
    assert.equal(expired.expired, true);
    assert.equal(typeof expired.time_expired, 'number');
    assert.equal(expired.time_expired, (await quietSince) + 5, 'stamped at the moment of expiry');
    assert.deepEqual(expired.op_codes, { acq: 7, count: 7, set_heartbeat: 7, delay_task: 7 });
    const [status] = await net.ops('observatory.fake-data1', ['status', 'acq', {}]);
    assert.equal(status, 0, 'the agent stays callable');

    await net.ops('observatory.fake-data1', ['start', 'set_heartbeat', { heartbeat: true }]);
    await net.advance(2000);
    const alive = (await net.table())['observatory.fake-data1'];
    assert.equal(alive.expired, false);
    assert.equal(alive.time_expired, null);
    assert.deepEqual(alive.op_codes, { acq: 1, count: 1, set_heartbeat: 5, delay_task: 1 });
  });

  it('9, 10: delay_task transitions reach agent_operations, one block per field, every op each time', async () => {
    const events: unknown[][] = [];
    await net.client.subscribe(`${REGISTRY}.feeds.agent_operations`, (args) => events.push(args));
    await net.addFakeData('fake-data-local');
    await net.advance(1000);
    events.length = 0;
    await net.ops('observatory.fake-data-local', ['start', 'delay_task', { delay: 1 }]);
    await net.advance(3000);
    const field = 'observatory_fake_data_local_delay_task';
    const codes = events
      .map((args) => (args[0] as [Record<string, any>, unknown])[0])
      .filter((message) => field in message)
      .map((message) => message[field].data[field][0]);
    assert.deepEqual(codes, [3, 5]);
    const fields = new Set(events.map((args) => Object.keys((args[0] as [Record<string, unknown>])[0])[0]));
    assert.deepEqual([...fields].sort(), ['acq', 'count', 'delay_task', 'set_heartbeat'].map((op) => `observatory_fake_data_local_${op}`));
    const [[message, feed]] = events[0] as [[Record<string, any>, Record<string, unknown>]];
    const name = Object.keys(message)[0]!;
    assert.deepEqual(Object.keys(message), [name]);
    assert.deepEqual(Object.keys(message[name]), ['block_name', 'data', 'influxdb_tags', 'timestamps']);
    assert.equal(message[name].influxdb_tags, null);
    assert.equal(message[name].block_name, name);
    assert.equal(message[name].timestamps.length, 1);
    assert.equal(typeof message[name].timestamps[0], 'number');
    assert.deepEqual({ ...feed, session_id: 'x' }, {
      agent_address: REGISTRY,
      agg_params: { frame_length: 60 },
      feed_name: 'agent_operations',
      address: `${REGISTRY}.feeds.agent_operations`,
      record: true,
      session_id: 'x',
      agent_class: 'RegistryAgent',
    });
  });

  it('11: with --wait-time 5 every agent is republished every 5 s, expired ones as 7', async () => {
    const seen: { at: number; field: string; code: number }[] = [];
    await net.client.subscribe(`${REGISTRY}.feeds.agent_operations`, (args) => {
      const message = (args[0] as [Record<string, any>])[0];
      const field = Object.keys(message)[0]!;
      seen.push({ at: net.clock.now(), field, code: message[field].data[field][0] });
    });
    const fake = await net.addFakeData('quiet');
    await net.advance(500);
    fake.agent.heartbeatOn = false;
    await net.advance(16_000);
    const acq = seen.filter((s) => s.field === 'observatory_quiet_acq');
    // join (1), perhaps a periodic 1, the expiry at once (7), then periodic republishes, still 7
    assert.equal(acq[0]?.code, 1);
    const expiry = acq.findIndex((s) => s.code === 7);
    assert.ok(expiry > 0);
    const periodic = acq.slice(expiry + 1);
    assert.ok(periodic.length >= 2, `periodic republishes: ${periodic.length}`);
    assert.ok(periodic.every((s) => s.code === 7));
    for (let i = 1; i < periodic.length; i++) assert.ok(Math.abs(periodic[i]!.at - periodic[i - 1]!.at - 5) <= 1);
  });

  it('12, 13: stop ends main SUCCEEDED; a second stop is refused; start makes session 1', async () => {
    await net.advance(100);
    const [status, message, stopping] = await net.ops(REGISTRY, ['stop', 'main', {}]);
    assert.deepEqual([status, message], [0, 'Requested stop on process main".']);
    assert.equal(stopping.status, 'stopping');
    assert.equal(stopping.op_code, 4);
    const waited = net.ops(REGISTRY, ['wait', 'main', {}], { timeout: 5 });
    await net.advance(100);
    const [wStatus, wMessage, done] = await waited;
    assert.deepEqual([wStatus, wMessage], [0, 'Operation "main" is currently not running (SUCCEEDED).']);
    assert.equal(done.op_code, 5);
    assert.equal(done.success, true);
    assert.ok(done.messages.some((m: [number, string]) => m[1] === 'Stopped registry main process'));
    assert.deepEqual(await net.ops(REGISTRY, ['stop', 'main', {}]), [-1, 'The operation is already done', {}]);
    const [sStatus, sMessage, started] = await net.ops(REGISTRY, ['start', 'main', {}]);
    assert.deepEqual([sStatus, sMessage], [0, 'Started process "main".']);
    assert.equal(started.status, 'starting');
    assert.equal(started.op_code, 2);
    assert.equal(started.session_id, 1);
  });

  it('14-18: start while running, abort on a process, bad params, wait timeouts, unknown ops', async () => {
    await net.advance(100);
    const [s14, m14, running] = await net.ops(REGISTRY, ['start', 'main', {}]);
    assert.deepEqual([s14, m14, running.op_code], [-1, 'Operation "main" already in progress.', 3]);
    assert.deepEqual(await net.ops(REGISTRY, ['abort', 'main', {}]), [-1, 'Cannot "abort" "main" because it is a "{op_type}".', {}]);

    await net.ops(REGISTRY, ['stop', 'main', {}]);
    await net.advance(100);
    assert.deepEqual(await net.ops(REGISTRY, ['start', 'main', { test_mode: 'yes' }]), [
      -1,
      "Param 'test_mode'=yes is not of required type (<class 'bool'>)",
      {},
    ]);
    assert.deepEqual(await net.ops(REGISTRY, ['start', 'main', { foo: 1 }]), [-1, "params included unexpected values: ['foo']", {}]);
    await net.ops(REGISTRY, ['start', 'main', {}]);
    await net.advance(100);

    const timedOut = net.ops(REGISTRY, ['wait', 'main', {}], { timeout: 0.5 });
    await net.advance(600);
    const [s17, m17, session17] = await timedOut;
    assert.deepEqual([s17, m17, session17.op_code], [1, 'Operation "main" still running; wait timed out.', 3]);
    const [sNow] = await net.ops(REGISTRY, ['wait', 'main', {}], { timeout: -1 });
    assert.equal(sNow, 1, 'a negative timeout returns at once');

    assert.deepEqual(await net.ops(REGISTRY, ['status', 'nope', {}]), [-1, 'No task or process called "nope"', {}]);
    assert.deepEqual(await net.ops(REGISTRY, ['wait', 'nope', {}]), [-1, 'Unknown operation "nope".', {}]);
  });

  it('19: the Twisted, ocs-web and password call shapes all work', async () => {
    await net.advance(100);
    const shapes: [unknown[], Record<string, unknown>][] = [
      [['status', 'main'], { params: {}, timeout: null }],
      [['status', 'main', []], {}],
      [['status', 'main', {}], { password: '' }],
      [['status', 'main', {}], { password: 'xyz' }],
    ];
    for (const [args, kwargs] of shapes) {
      const [status, message] = await net.ops(REGISTRY, args, kwargs);
      assert.deepEqual([status, message], [0, 'Session active.'], JSON.stringify([args, kwargs]));
    }
  });

  it('20: register_agent succeeds with an agent_address and crashes without one', async () => {
    await net.ops(REGISTRY, ['start', 'register_agent', { agent_address: 'observatory.x' }]);
    await net.advance(100);
    const [, , ok] = await net.ops(REGISTRY, ['status', 'register_agent', {}]);
    assert.equal(ok.op_code, 5);
    assert.ok(ok.messages.some((m: [number, string]) => m[1] === "'register_agent' is deprecated"));
    await net.ops(REGISTRY, ['start', 'register_agent', {}]);
    await net.advance(100);
    const [, , crashed] = await net.ops(REGISTRY, ['status', 'register_agent', {}]);
    assert.equal(crashed.op_code, 6);
    assert.ok(crashed.messages.some((m: [number, string]) => m[1].startsWith('CRASH: ')));
  });

  it('21: management queries answer; an unknown query gives null', async () => {
    assert.equal(await net.management(REGISTRY, 'get_agent_class'), 'RegistryAgent');
    assert.deepEqual((await net.management(REGISTRY, 'get_tasks')).map((t: unknown[]) => t[0]), ['register_agent']);
    assert.deepEqual((await net.management(REGISTRY, 'get_processes')).map((t: unknown[]) => t[0]), ['main']);
    assert.deepEqual((await net.management(REGISTRY, 'get_feeds')).map((t: unknown[]) => t[0]), ['agent_operations', 'heartbeat']);
    assert.equal(await net.management(REGISTRY, 'bogus'), null);
  });
});

describe('Registry Agent: deliberate fixes on the wire', () => {
  let net: Network;
  beforeEach(async () => {
    net = await Network.start();
  });
  afterEach(async () => {
    await net.stop();
  });

  it('publishes EXPIRED on agent_operations at the moment of expiry (Python waits for the republish)', async () => {
    const seen: { at: number; code: number }[] = [];
    await net.client.subscribe(`${REGISTRY}.feeds.agent_operations`, (args) => {
      const message = (args[0] as [Record<string, any>])[0];
      const field = Object.keys(message)[0]!;
      if (field === 'observatory_quiet_acq') seen.push({ at: net.clock.now(), code: message[field].data[field][0] });
    });
    const fake = await net.addFakeData('quiet');
    await net.advance(200);
    fake.agent.heartbeatOn = false;
    const lastBeat = (await net.table())['observatory.quiet'].last_updated;
    await net.advance(6000);
    const expiry = seen.find((s) => s.code === 7);
    assert.ok(expiry, 'EXPIRED was published');
    assert.ok(expiry.at - lastBeat <= 5 + net.registry.sweepIntervalMs / 1000 + 0.05, `published ${expiry.at - lastBeat} s after the last beat`);
  });

  it('ignores a 5-component heartbeat topic and rejects a spoofed address, counting both', async () => {
    const publisher = await net.router.connect('test_realm');
    const feed = (address: string) => ({
      agent_address: address,
      agg_params: {},
      feed_name: 'heartbeat',
      address: `${address}.feeds.heartbeat`,
      record: false,
      session_id: '1.5',
      agent_class: 'Spoof',
    });
    publisher.publish('observatory.a.b.feeds.heartbeat', [[{ x: 1 }, feed('observatory.a.b')]]);
    publisher.publish('observatory.victim.feeds.heartbeat', [[{ x: 1 }, feed('observatory.other')]]);
    publisher.publish('observatory.bad.feeds.heartbeat', [['not a dict', feed('observatory.bad')]]);
    await net.advance(100);
    assert.deepEqual(Object.keys(await net.table()), []);
    assert.equal(net.registry.registry.counters.rejected.topic_mismatch, 1);
    assert.equal(net.registry.registry.counters.rejected.bad_op_codes, 1);
    assert.equal(net.log.filter((l) => l.startsWith('Rejected a heartbeat')).length, 2, 'logged once per reason');
  });

  it('subscribes with details so the concrete topic reaches the handler', async () => {
    const topics: string[] = [];
    await net.client.subscribe('observatory..feeds.heartbeat', (_a, _k, details: EventDetails) => topics.push(details.topic ?? ''), { match: 'wildcard' });
    await net.addFakeData('fd');
    await net.advance(1000);
    assert.ok(topics.includes('observatory.fd.feeds.heartbeat'));
  });
});
