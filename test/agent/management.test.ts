// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WampError } from '../../src/wamp/session.ts';
import { advance, RecordingSession } from './helpers.ts';
import { makeTestAgent, T0 } from './test-agent.ts';

describe('{addr} management procedure (§2.5)', () => {
  it('get_api has Python keys, sorted op tuples and the policy-none advert', async () => {
    const { agent, clock, ops } = makeTestAgent();
    agent.registerFeed('agent_operations', { record: true, aggParams: { frame_length: 60 } });
    await agent.join(new RecordingSession(clock));
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    const api = agent.managementEndpoint(['get_api'], {}, {}) as Record<string, any>;
    assert.deepEqual(Object.keys(api), [
      'agent_class',
      'instance_hostname',
      'instance_pid',
      'feeds',
      'processes',
      'tasks',
      'access_control',
    ]);
    assert.equal(api['agent_class'], 'TestAgent');
    assert.equal(api['instance_hostname'], 'host');
    assert.equal(api['instance_pid'], 1234);
    assert.deepEqual(api['feeds'].map((f: [string, unknown]) => f[0]), ['agent_operations', 'heartbeat']);
    assert.deepEqual(api['access_control'], { version: 1, policy: 'none', update_timestamp: T0, update_count: 0, step: 0 });
    assert.deepEqual(api['processes'].map((p: unknown[]) => p[0]), ['acq', 'main']);
    assert.deepEqual(api['tasks'].map((p: unknown[]) => p[0]), [
      'bad_return',
      'delay',
      'hang',
      'infinite',
      'param_err',
      'priv',
      'quick',
      'raises',
      'raw',
      'register_agent',
    ]);
    const [name, session, info] = api['processes'][1];
    assert.equal(name, 'main');
    assert.equal(session.op_code, 3);
    assert.deepEqual(info, { blocking: false, docstring: 'main(test_mode=False)', op_type: 'process', min_privs: 1 });
    assert.deepEqual(Object.keys(info), ['blocking', 'docstring', 'op_type', 'min_privs']);
    const reg = api['tasks'].at(-1) as [string, object, object];
    assert.deepEqual(reg, [
      'register_agent',
      { op_name: 'register_agent', status: 'no_history' },
      { blocking: false, abortable: false, docstring: null, op_type: 'task', min_privs: 1 },
    ]);
    assert.deepEqual(Object.keys(reg[2]), ['blocking', 'abortable', 'docstring', 'op_type', 'min_privs']);
    assert.equal(api['tasks'][1][2].abortable, true);
  });

  it('answers the deprecated subsets and null for anything else', async () => {
    const { agent, clock } = makeTestAgent();
    await agent.join(new RecordingSession(clock));
    const q = (...args: unknown[]) => agent.managementEndpoint(args, {}, {});
    assert.equal(q('get_agent_class'), 'TestAgent');
    assert.deepEqual((q('get_processes') as unknown[][]).map((t) => t[0]), ['acq', 'main']);
    assert.equal((q('get_tasks') as unknown[]).length, 10);
    assert.deepEqual((q('get_feeds') as unknown[][]).map((f) => f[0]), ['heartbeat']);
    assert.equal(q('bogus'), null);
    assert.equal(q(5), null);
    assert.equal(agent.managementEndpoint([], { q: 'get_agent_class', extra: 1 }, {}), 'TestAgent');
  });

  it('a missing q is a runtime error', () => {
    const { agent } = makeTestAgent();
    assert.throws(() => agent.managementEndpoint([], {}, {}), (err: unknown) =>
      err instanceof WampError &&
      err.error === 'wamp.error.runtime_error' &&
      err.args[0] === "OCSAgent._management_handler() missing 1 required positional argument: 'q'");
  });
});
