// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WampError } from '../../src/wamp/session.ts';
import { advance, settle } from './helpers.ts';
import { makeTestAgent, T0 } from './test-agent.ts';

type AnyReply = [number, string, Record<string, any>];
const sync = (value: unknown) => {
  assert.ok(!(value instanceof Promise), 'expected an immediate reply');
  return value as AnyReply;
};
const later = async (value: unknown) => {
  assert.ok(value instanceof Promise, 'expected a pending reply');
  return (await value) as AnyReply;
};

function runtimeError(fn: () => unknown, text: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WampError);
    assert.equal(err.error, 'wamp.error.runtime_error');
    assert.deepEqual(err.args, [text]);
    return true;
  });
}

describe('{addr}.ops start (§2.10)', () => {
  it('row 1: unknown op', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['start', 'nope', {}]), [-1, 'No task or process called "nope"', {}]);
  });

  it('row 5: starts a process, then runs it on the next tick', async () => {
    const { ops, clock } = makeTestAgent();
    const [status, message, session] = sync(ops(['start', 'main', {}]));
    assert.equal(status, 0);
    assert.equal(message, 'Started process "main".');
    assert.equal(session['status'], 'starting');
    assert.equal(session['op_code'], 2);
    assert.equal(session['session_id'], 0);
    assert.equal(session['start_time'], T0);
    await advance(clock, 0);
    assert.equal(sync(ops(['status', 'main', {}]))[2]['op_code'], 3);
    assert.deepEqual(sync(ops(['start', 'quick', {}])).slice(0, 2), [0, 'Started task "quick".']);
  });

  it('row 2: already in progress returns the current session', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    const [status, message, session] = sync(ops(['start', 'main', {}]));
    assert.deepEqual([status, message], [-1, 'Operation "main" already in progress.']);
    assert.equal(session['status'], 'running');
  });

  it('row 3: credential level (policy none is level 1, min_privs 2 is always refused, Q17)', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['start', 'priv', {}]), [
      -1,
      'The action requires credential level 2-ADVANCED but the client has only level 1-BASIC No access policy -- level 1 for all.',
      {},
    ]);
  });

  it('row 4a: param errors', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['start', 'main', { test_mode: 'yes' }]), [
      -1,
      "Param 'test_mode'=yes is not of required type (<class 'bool'>)",
      {},
    ]);
    assert.deepEqual(ops(['start', 'main', { foo: 1 }]), [-1, "params included unexpected values: ['foo']", {}]);
  });

  it('row 4b: non-object params', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['start', 'main', []]), [
      -1,
      "CRASH: during param pre-processing: 'list' object has no attribute 'get'",
      {},
    ]);
  });

  it('null params count as {} for a param spec; ops without one get the raw params', async () => {
    const { ops, clock, agent } = makeTestAgent();
    assert.equal(sync(ops(['start', 'main', null]))[0], 0);
    ops(['start', 'raw', []]);
    await advance(clock, 0);
    assert.deepEqual(agent.operations.get('raw')!.session!.data, { got: [] });
    ops(['start', 'raw']);
    await advance(clock, 0);
    assert.deepEqual(agent.operations.get('raw')!.session!.data, { got: null });
  });

  it('session ids are one agent-wide counter from 0', async () => {
    const { ops, clock } = makeTestAgent();
    assert.equal(sync(ops(['start', 'quick', {}]))[2]['session_id'], 0);
    assert.equal(sync(ops(['start', 'main', {}]))[2]['session_id'], 1);
    await advance(clock, 0);
    assert.equal(sync(ops(['start', 'quick', {}]))[2]['session_id'], 2);
    ops(['start', 'nope', {}]);
    ops(['start', 'main', { bad: 1 }]);
    assert.equal(sync(ops(['start', 'raw', {}]))[2]['session_id'], 3);
  });

  it('Q16: a rejected start discards the finished session, as in Python', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', { test_mode: true }]);
    await advance(clock, 1000);
    assert.equal(sync(ops(['status', 'main', {}]))[2]['op_code'], 5);
    ops(['start', 'main', { test_mode: 'no' }]);
    assert.deepEqual(ops(['status', 'main', {}]), [0, 'No session active.', {}]);
  });

  it('Q16 option: keepFinishedSessionOnRejectedStart keeps it', async () => {
    const { ops, clock } = makeTestAgent({ keepFinishedSessionOnRejectedStart: true });
    ops(['start', 'main', { test_mode: true }]);
    await advance(clock, 1000);
    ops(['start', 'main', { test_mode: 'no' }]);
    assert.equal(sync(ops(['status', 'main', {}]))[1], 'Session active.');
    assert.equal(sync(ops(['start', 'main', {}]))[0], 0);
  });
});

describe('{addr}.ops op bodies', () => {
  it('a returned (ok, text) ends the session', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'register_agent', { agent_address: 'observatory.x' }]);
    await advance(clock, 0);
    const s = sync(ops(['status', 'register_agent', {}]))[2];
    assert.equal(s['op_code'], 5);
    assert.equal(s['success'], true);
    assert.deepEqual(s['messages'].map((m: [number, string]) => m[1]), [
      'Status is now "starting".',
      'Status is now "running".',
      "'register_agent' is deprecated",
      'Status is now "done".',
    ]);
  });

  it('a throw is a CRASH, a ParamError an ERROR, a bad return a CRASH', async () => {
    const { ops, clock } = makeTestAgent();
    for (const name of ['register_agent', 'raises', 'param_err', 'bad_return']) ops(['start', name, {}]);
    await advance(clock, 0);
    const last = (name: string) => {
      const s = sync(ops(['status', name, {}]))[2];
      assert.equal(s['op_code'], 6);
      assert.equal(s['success'], false);
      return s['messages'].at(-2)[1] as string;
    };
    assert.equal(last('register_agent'), "CRASH: KeyError: 'agent_address'");
    assert.equal(last('raises'), 'CRASH: Error: boom');
    assert.equal(last('param_err'), "ERROR: Param 'x' is required and must not be None");
    assert.equal(last('bad_return'), 'CRASH: TypeError: cannot unpack non-iterable int object');
  });

  it('infinite data makes the RPC fail with runtime_error', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'infinite', {}]);
    await advance(clock, 0);
    runtimeError(() => ops(['status', 'infinite', {}]), 'Session.data cannot store inf/-inf; please convert to NaN.');
  });

  it('a stop before the body ran crashes it, as Python asserts on the backward move', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'delay', {}]);
    assert.equal(sync(ops(['abort', 'delay', {}]))[2]['status'], 'stopping');
    await advance(clock, 0);
    const s = sync(ops(['status', 'delay', {}]))[2];
    assert.equal(s['op_code'], 6);
    assert.match(s['messages'].at(-2)[1], /^CRASH: Error: AssertionError/);
  });
});

describe('{addr}.ops stop and abort (§2.10)', () => {
  it('row 1: unknown op', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['stop', 'nope', {}]), [-1, 'No operation called "nope".', {}]);
    assert.deepEqual(ops(['abort', 'nope', {}]), [-1, 'No operation called "nope".', {}]);
  });

  it('row 2: wrong verb, with the literal {op_type} (Q13)', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['stop', 'quick', {}]), [-1, 'Cannot "stop" "quick" because it is a "{op_type}".', {}]);
    assert.deepEqual(ops(['abort', 'main', {}]), [-1, 'Cannot "abort" "main" because it is a "{op_type}".', {}]);
  });

  it('row 3: credential level, without the detail', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['abort', 'priv', {}]), [
      -1,
      'The action requires credential level 2-ADVANCED but the client has only level 1-BASIC',
      {},
    ]);
  });

  it('row 4: no session', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['stop', 'main', {}]), [-1, 'No session active.', {}]);
  });

  it("row 6: stop shows a non-blocking stopper's effect, then rows 5", async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    const [status, message, session] = sync(ops(['stop', 'main', {}]));
    assert.deepEqual([status, message], [0, 'Requested stop on process main".']);
    assert.equal(session['status'], 'stopping');
    assert.equal(session['op_code'], 4);
    assert.deepEqual(ops(['stop', 'main', {}]), [-1, 'The operation is already stopping', {}]);
    const pending = ops(['wait', 'main', {}], { timeout: 5 });
    await advance(clock, 1000);
    const waited = await later(pending);
    assert.deepEqual(waited.slice(0, 2), [0, 'Operation "main" is currently not running (SUCCEEDED).']);
    assert.equal(waited[2]['op_code'], 5);
    assert.ok(clock.now() - T0 <= 1.5);
    assert.deepEqual(ops(['stop', 'main', {}]), [-1, 'The operation is already done', {}]);
    const restarted = sync(ops(['start', 'main', {}]));
    assert.deepEqual(restarted.slice(0, 2), [0, 'Started process "main".']);
    assert.equal(restarted[2]['session_id'], 1);
  });

  it('row 6: a blocking stopper runs after the reply, so the reply still shows running', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'acq', {}]);
    await advance(clock, 0);
    const [status, message, session] = sync(ops(['stop', 'acq', {}]));
    assert.deepEqual([status, message], [0, 'Requested stop on process acq".']);
    assert.equal(session['status'], 'running');
    await advance(clock, 0);
    assert.equal(sync(ops(['status', 'acq', {}]))[2]['status'], 'stopping');
  });

  it('row 6: abort on a task with an aborter', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'delay', {}]);
    await advance(clock, 0);
    const [status, message, session] = sync(ops(['abort', 'delay', {}]));
    assert.deepEqual([status, message], [0, 'Requested abort on task delay".']);
    assert.equal(session['op_code'], 4);
    await advance(clock, 500);
    assert.equal(sync(ops(['status', 'delay', {}]))[2]['op_code'], 6);
  });

  it('Q14 (fixed): abort on a task without an aborter is an error reply', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'hang', {}]);
    await advance(clock, 0);
    assert.deepEqual(ops(['abort', 'hang', {}]), [-1, 'Cannot "abort" "hang" because it is not abortable.', {}]);
  });
});

describe('{addr}.ops wait (§2.10)', () => {
  it('unknown, idle, and already done', async () => {
    const { ops, clock } = makeTestAgent();
    assert.deepEqual(ops(['wait', 'nope', {}]), [-1, 'Unknown operation "nope".', {}]);
    assert.deepEqual(ops(['wait', 'quick', {}]), [0, 'Idle.', {}]);
    ops(['start', 'quick', {}]);
    ops(['start', 'raises', {}]);
    await advance(clock, 0);
    const done = sync(ops(['wait', 'quick', {}], { timeout: 1 }));
    assert.deepEqual(done.slice(0, 2), [0, 'Operation "quick" is currently not running (SUCCEEDED).']);
    assert.equal(sync(ops(['wait', 'raises', {}]))[1], 'Operation "raises" is currently not running (FAILED).');
  });

  it('a negative timeout answers at once', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    const [status, message, session] = sync(ops(['wait', 'main', {}], { timeout: -1 }));
    assert.deepEqual([status, message], [1, 'Operation "main" still running; wait timed out.']);
    assert.equal(session['op_code'], 3);
  });

  it('a positive timeout expires on the clock', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    let result: AnyReply | undefined;
    void (ops(['wait', 'main', {}], { timeout: 0.5 }) as Promise<AnyReply>).then((r) => {
      result = r;
    });
    await advance(clock, 400);
    assert.equal(result, undefined);
    await advance(clock, 100);
    assert.deepEqual(result!.slice(0, 2), [1, 'Operation "main" still running; wait timed out.']);
  });

  it('timeout 0 waits one tick; null waits until done', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'quick', {}]);
    const tick = ops(['wait', 'quick', {}], { timeout: 0 });
    await advance(clock, 0);
    assert.equal((await later(tick))[1], 'Operation "quick" is currently not running (SUCCEEDED).');
    ops(['start', 'hang', {}]);
    let result: AnyReply | undefined;
    void (ops(['wait', 'hang', {}], { timeout: null }) as Promise<AnyReply>).then((r) => {
      result = r;
    });
    await advance(clock, 9_000);
    assert.equal(result, undefined);
    await advance(clock, 1_100);
    assert.equal(result![1], 'Operation "hang" is currently not running (SUCCEEDED).');
    assert.equal(clock.pendingTimers, 0);
  });

  it('a string timeout fails like Python comparing str < int', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'main', {}]);
    await advance(clock, 0);
    runtimeError(() => ops(['wait', 'main', {}, 'soon']), "'<' not supported between instances of 'str' and 'int'");
  });
});

describe('{addr}.ops status and call shapes (§2.6)', () => {
  it('status rows', async () => {
    const { ops, clock } = makeTestAgent();
    assert.deepEqual(ops(['status', 'nope', {}]), [-1, 'No task or process called "nope"', {}]);
    assert.deepEqual(ops(['status', 'main', {}]), [0, 'No session active.', {}]);
    ops(['start', 'quick', {}]);
    await advance(clock, 0);
    assert.equal(sync(ops(['status', 'quick', {}]))[1], 'Session active.');
  });

  it('accepts the OCSClient, Twisted and ocs-web shapes and any password', async () => {
    const { ops } = makeTestAgent();
    const expected = [0, 'No session active.', {}];
    assert.deepEqual(ops(['status', 'main', {}]), expected);
    assert.deepEqual(ops(['status', 'main'], { params: {}, timeout: null }), expected);
    assert.deepEqual(ops(['status', 'main', []]), expected);
    assert.deepEqual(ops(['status', 'main', {}], { password: '' }), expected);
    assert.deepEqual(ops(['status', 'main', []], { password: 'xyz' }), expected);
    assert.deepEqual(ops([], { action: 'status', op_name: 'main' }), expected);
    assert.deepEqual(sync(ops(['start', 'quick'], { params: {}, timeout: null }))[0], 0);
  });

  it('an unknown action names the op (Q18)', () => {
    const { ops } = makeTestAgent();
    assert.deepEqual(ops(['restart', 'main', {}]), [-1, 'No implementation for "main"', {}]);
    assert.deepEqual(ops([5, null]), [-1, 'No implementation for "None"', {}]);
  });

  it('bad call shapes are runtime errors with Python TypeError texts', () => {
    const { ops } = makeTestAgent();
    runtimeError(() => ops(['status', 'main', {}], { x: 1 }), "OCSAgent._ops_handler() got an unexpected keyword argument 'x'");
    runtimeError(() => ops([]), "OCSAgent._ops_handler() missing 2 required positional arguments: 'action' and 'op_name'");
    runtimeError(() => ops(['status']), "OCSAgent._ops_handler() missing 1 required positional argument: 'op_name'");
    runtimeError(() => ops([1, 2, 3, 4, 5, 6]), 'OCSAgent._ops_handler() takes from 3 to 6 positional arguments but 7 were given');
    runtimeError(() => ops(['status', 'main', {}], { params: {} }), "OCSAgent._ops_handler() got multiple values for argument 'params'");
    runtimeError(() => ops(['status', ['main']]), "unhashable type: 'list'");
    runtimeError(() => ops(['start', { a: 1 }]), "unhashable type: 'dict'");
  });

  it('the finished session stays visible until the next start', async () => {
    const { ops, clock } = makeTestAgent();
    ops(['start', 'quick', {}]);
    await settle();
    await advance(clock, 0);
    const s = sync(ops(['status', 'quick', {}]))[2];
    assert.equal(s['status'], 'done');
    assert.equal(s['end_time'], T0);
  });
});
