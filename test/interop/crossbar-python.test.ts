// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// The registry in production shape: a real crossbar, real Python OCS agents,
// the real OCSClient, the Python RegistryAgent beside ours, and the
// agent_operations consumers from the ocs package. The TypeScript registry
// runs as the ocs-registry program under the runtime running this file.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { type Crossbar, skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { type Program, runProgram } from '../support/spawn-cli.ts';
import { eventually, ocsClient, type PythonProcess, runPython, type Site, skipWithoutPython, startPythonAgent, writeSite } from './python.ts';

const skip = skipWithoutCrossbar() || skipWithoutPython();
const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;
const PY = new URL('./py/', import.meta.url).pathname;
const FIELD = (id: string, op: string) => `observatory_${id.replaceAll('-', '_')}_${op}`;

describe('real crossbar and real Python OCS', { skip }, () => {
  let crossbar: Crossbar;
  let site: Site;
  let registry: Program;
  let observer: WampSession;
  /** The registry's HTTP API, for its transition history. */
  let api: string;
  const python: PythonProcess[] = [];
  const events: [Record<string, any>, Record<string, any>][] = [];

  const table = async (instance = 'registry') => (await ocsClient(site, instance, 'main', 'status'))[2].data as Record<string, any>;

  before(async () => {
    crossbar = await startCrossbar();
    site = writeSite(crossbar.port, [
      { id: 'registry', agentClass: 'RegistryAgent' },
      { id: 'registry-py', agentClass: 'RegistryAgent' },
      { id: 'fake-data1', agentClass: 'FakeDataAgent' },
      { id: 'fake-data2', agentClass: 'FakeDataAgent' },
    ]);
    registry = runProgram(
      BIN,
      // --crossbar-timeout 0: under load a crossbar restart can take longer than the default 10 s, after which the
      // registry rightly gives up; what the restart test checks is the rejoin once crossbar is back.
      ['--site-file', site.file, '--site-host', 'localhost', '--instance-id', 'registry', '--wait-time', '5', '--http-port', '0', '--crossbar-timeout', '0'],
      site.env,
    );
    await registry.waitFor(/Registry Agent observatory\.registry joined/, 30_000);
    api = /http:\/\/127\.0\.0\.1:\d+/.exec(await registry.waitFor(/Operation monitor: /, 30_000))![0];
    observer = await WampPeer.join(await WebSocketTransport.connect(crossbar.wsUrl), 'test_realm');
    await observer.subscribe('observatory.registry.feeds.agent_operations', (args) => {
      events.push(args[0] as [Record<string, any>, Record<string, any>]);
    });
    python.push(
      startPythonAgent(site, 'fake_data', 'fake-data1'),
      startPythonAgent(site, 'fake_data', 'fake-data2'),
      startPythonAgent(site, 'registry', 'registry-py', ['--wait-time', '5']),
    );
    await eventually(
      async () => {
        const t = await table();
        return t['observatory.fake-data1'] && t['observatory.fake-data2'] && t['observatory.registry-py'] ? t : undefined;
      },
      'the Python agents in the TypeScript registry',
      60_000,
    );
  });

  after(async () => {
    await observer?.leave().catch(() => {});
    await Promise.all(python.map((p) => p.stop()));
    if (registry) {
      registry.child.kill('SIGINT');
      await registry.exited;
    }
    await crossbar?.close();
    site?.cleanup();
  });

  it('OCSClient against the TypeScript registry: docs/ocs-protocol.md §10 items 1, 3, 12-18, 20, 21', async () => {
    const result = await runPython(site, [`${PY}registry_checklist.py`, 'registry']);
    assert.equal(result.code, 0, result.stderr);
    const r = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    assert.equal(r.get_api.agent_class, 'RegistryAgent');
    assert.deepEqual(r.get_api.feeds.map((f: [string]) => f[0]), ['agent_operations', 'heartbeat']);
    assert.equal(r.get_api.access_control.policy, 'none');
    assert.deepEqual([r.status[0], r.status[1], r.status[2].op_code, r.status[2].session_id], [0, 'Session active.', 3, 0]);
    assert.deepEqual([r.stop[0], r.stop[1], r.stop[2].op_code], [0, 'Requested stop on process main".', 4]);
    assert.deepEqual([r.wait_after_stop[0], r.wait_after_stop[1], r.wait_after_stop[2].op_code, r.wait_after_stop[2].success], [
      0,
      'Operation "main" is currently not running (SUCCEEDED).',
      5,
      true,
    ]);
    assert.deepEqual(r.stop_again, [-1, 'The operation is already done', {}]);
    assert.deepEqual([r.start[0], r.start[1], r.start[2].op_code, r.start[2].session_id], [0, 'Started process "main".', 2, 1]);
    assert.deepEqual([r.start_running[0], r.start_running[1]], [-1, 'Operation "main" already in progress.']);
    assert.deepEqual(r.abort_process, [-1, 'Cannot "abort" "main" because it is a "{op_type}".', {}]);
    assert.deepEqual(r.start_bad_type, [-1, "Param 'test_mode'=yes is not of required type (<class 'bool'>)", {}]);
    assert.deepEqual(r.start_stray, [-1, "params included unexpected values: ['foo']", {}]);
    assert.deepEqual([r.wait_timeout[0], r.wait_timeout[1]], [1, 'Operation "main" still running; wait timed out.']);
    assert.deepEqual(r.status_unknown, [-1, 'No task or process called "nope"', {}]);
    assert.deepEqual(r.wait_unknown, [-1, 'Unknown operation "nope".', {}]);
    assert.deepEqual([r.register_agent[2].op_code, r.register_agent[2].messages.some((m: [number, string]) => m[1] === "'register_agent' is deprecated")], [
      5,
      true,
    ]);
    assert.deepEqual(r.get_tasks, ['register_agent']);
    assert.equal(r.get_agent_class, 'RegistryAgent');
    assert.equal(r.bogus, null);
    assert.equal(r.main_docstring_is_python, true, "main's docstring is Python's text");
    assert.deepEqual(r.non_float_timestamps, [], 'every timestamp in main.status() reaches Python as a float');
  });

  it('tracks Python FakeDataAgents: op changes on agent_operations, expiry and revival', async () => {
    events.length = 0;
    const [status] = await ocsClient(site, 'fake-data1', 'delay_task', 'start', { delay: 1 });
    assert.equal(status, 0);
    const field = FIELD('fake-data1', 'delay_task');
    await eventually(
      async () => {
        const codes = events.flatMap(([m]) => (m[field] ? [m[field].data[field][0]] : []));
        return codes.includes(3) && codes.at(-1) === 5 ? codes : undefined;
      },
      'delay_task RUNNING then SUCCEEDED on agent_operations',
      20_000,
    );

    await ocsClient(site, 'fake-data1', 'set_heartbeat', 'start', { heartbeat: false });
    const expired = await eventually(
      async () => {
        const e = (await table())['observatory.fake-data1'];
        return e?.expired ? e : undefined;
      },
      'fake-data1 expired',
      20_000,
    );
    assert.deepEqual(Object.values(expired.op_codes), [7, 7, 7, 7]);
    const sevens = events.filter(([m]) => m[FIELD('fake-data1', 'acq')]?.data[FIELD('fake-data1', 'acq')][0] === 7);
    assert.ok(sevens.length >= 1, 'EXPIRED published on agent_operations');

    await ocsClient(site, 'fake-data1', 'set_heartbeat', 'start', { heartbeat: true });
    await eventually(async () => ((await table())['observatory.fake-data1']?.expired === false ? true : undefined), 'fake-data1 revived', 20_000);
  });

  it('agent_operations events pass the InfluxDB publisher and the aggregator checks of the ocs package', async () => {
    // A snapshot: more events keep arriving (the periodic republish) while Python checks these.
    const captured = [...events];
    assert.ok(captured.length > 0);
    const result = await runPython(
      site,
      ['-c', `import runpy, sys; sys.argv = ['check']; runpy.run_path('${PY}check_agent_operations.py', run_name='__main__')`],
      60_000,
      JSON.stringify(captured),
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    assert.deepEqual(report.errors, []);
    assert.equal(report.events, captured.length);
    assert.ok(report.influx_lines.some((l: string) => l.startsWith(`observatory.registry,feed=agent_operations ${FIELD('fake-data1', 'delay_task')}=5i `)));
  });

  it('agrees with the Python RegistryAgent on the same network, but for the documented differences', async () => {
    const [ours, theirs] = await Promise.all([table('registry'), table('registry-py')]);
    // Each registry lists the other and not itself (exclude_me).
    assert.ok(ours['observatory.registry-py'] && !ours['observatory.registry']);
    assert.ok(theirs['observatory.registry'] && !theirs['observatory.registry-py']);
    for (const address of ['observatory.fake-data1', 'observatory.fake-data2']) {
      const [a, b] = [ours[address], theirs[address]];
      assert.deepEqual(Object.keys(a), Object.keys(b), `${address}: same keys, same order`);
      assert.deepEqual([a.expired, a.agent_class, a.agent_address, a.op_codes], [b.expired, b.agent_class, b.agent_address, b.op_codes], address);
      assert.ok(Math.abs(a.last_updated - b.last_updated) < 2.5, `${address}: last_updated agrees`);
    }
  });

  it('a second registry with the same instance id exits non-zero with procedure_already_exists', async () => {
    const second = runProgram(BIN, ['--site-file', site.file, '--site-host', 'localhost', '--instance-id', 'registry'], site.env);
    assert.equal(await second.exited, 1);
    assert.match(second.output(), /procedure_already_exists/);
  });

  it('rides out a crossbar restart: rejoins within 3 s, keeps main, no false expiry', async () => {
    const restartAt = Date.now() / 1000;
    const before = await ocsClient(site, 'registry', 'main', 'status');
    const mainSession = before[2].session_id;
    await crossbar.stop();
    await crossbar.start();
    const back = Date.now();
    await registry.waitFor(/router connection: joined \(rejoined\)/, 10_000);
    const rejoinedAfter = Date.now() - back;
    assert.ok(rejoinedAfter <= 3000, `rejoined ${rejoinedAfter} ms after crossbar was back`);
    await eventually(
      async () => {
        const t = await table();
        const fresh = ['fake-data1', 'fake-data2'].every((id) => t[`observatory.${id}`] && Date.now() / 1000 - t[`observatory.${id}`].last_updated < 2);
        return fresh ? t : undefined;
      },
      'both Python agents heard again after the restart',
      30_000,
    );
    const after = await ocsClient(site, 'registry', 'main', 'status');
    assert.equal(after[2].session_id, mainSession, 'main kept its session');
    assert.equal(after[2].op_code, 3);
    for (const id of ['fake-data1', 'fake-data2']) {
      assert.equal(after[2].data[`observatory.${id}`].expired, false, `${id} not expired`);
      // Not even for a moment: no expiry in the agent's transition history since the restart began.
      const detail = await (await fetch(`${api}/api/agents/observatory.${id}`)).json();
      const expiries = detail.history.filter((t: { type: string; at: number }) => t.type === 'expired' && t.at >= restartAt);
      assert.deepEqual(expiries, [], `${id} history: ${JSON.stringify(detail.history)}`);
    }
  });
});
