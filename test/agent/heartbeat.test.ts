import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentJoinError } from '../../src/agent/errors.ts';
import { advance, RecordingSession } from './helpers.ts';
import { makeTestAgent, T0 } from './test-agent.ts';

const TOPIC = 'observatory.test.feeds.heartbeat';

describe('agent join and heartbeat (§2.4, §2.13)', () => {
  it('registers {addr}.ops, then {addr}, then beats at once and every 1 s', async () => {
    const { agent, clock } = makeTestAgent();
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    assert.deepEqual([...wamp.procedures.keys()], ['observatory.test.ops', 'observatory.test']);
    assert.deepEqual(wamp.published.map((p) => p.at), [T0]);
    clock.advance(999);
    assert.equal(wamp.published.length, 1);
    clock.advance(1);
    clock.advance(3000);
    assert.deepEqual(wamp.published.map((p) => p.at - T0), [0, 1, 2, 3, 4]);
    const [message, feed] = wamp.on(TOPIC)[0] as [Record<string, number>, Record<string, unknown>];
    assert.deepEqual(Object.keys(message), [
      'main',
      'register_agent',
      'quick',
      'hang',
      'delay',
      'acq',
      'priv',
      'bad_return',
      'raises',
      'param_err',
      'raw',
      'infinite',
    ]);
    assert.ok(Object.values(message).every((v) => v === 1));
    assert.deepEqual(feed, {
      agent_address: 'observatory.test',
      agg_params: {},
      feed_name: 'heartbeat',
      address: TOPIC,
      record: false,
      session_id: '1700000000.0',
      agent_class: 'TestAgent',
    });
    await agent.leave();
    clock.advance(5000);
    assert.equal(wamp.published.length, 5);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(wamp.procedures.size, 0);
  });

  it('publishes the same frozen args while no op code changes, and new ones when one does', async () => {
    const { agent, clock, ops } = makeTestAgent();
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    await advance(clock, 2000);
    const beats = wamp.published.filter((p) => p.topic === TOPIC).map((p) => p.args);
    assert.equal(beats.length, 3);
    assert.equal(beats[1], beats[0]);
    assert.equal(beats[2], beats[0]);
    const codes = (beats[0] as [[Record<string, number>]])[0][0];
    assert.ok(Object.isFrozen(codes));
    ops(['start', 'main', {}]);
    await advance(clock, 1000);
    const after = wamp.published.filter((p) => p.topic === TOPIC).at(-1)!.args as [[Record<string, number>]];
    assert.notEqual(after, beats[0]);
    assert.equal(after[0][0]['main'], 3);
    assert.equal(codes['main'], 1, 'the earlier heartbeat keeps its codes');
    await agent.leave();
  });

  it('shows live op codes and stops while heartbeatOn is false', async () => {
    const { agent, clock, ops } = makeTestAgent();
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    ops(['start', 'main', {}]);
    await advance(clock, 1000);
    assert.equal((wamp.on(TOPIC).at(-1) as [Record<string, number>])[0]['main'], 3);
    agent.heartbeatOn = false;
    await advance(clock, 3000);
    const count = wamp.published.length;
    agent.heartbeatOn = true;
    await advance(clock, 1000);
    assert.equal(wamp.published.length, count + 1);
  });

  it('starts startup ops on the first join only, after the first beat', async () => {
    const { agent, clock } = makeTestAgent();
    agent.registerProcess(
      'auto',
      async (s) => {
        while (s.status === 'running') await s.sleep(1);
        return [true, 'bye'];
      },
      (s) => s.setStatus('stopping'),
      { blocking: false, startup: true },
    );
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    assert.equal((wamp.on(TOPIC)[0] as [Record<string, number>])[0]['auto'], 1);
    await advance(clock, 1000);
    assert.equal((wamp.on(TOPIC).at(-1) as [Record<string, number>])[0]['auto'], 3);
    const id = agent.operations.get('auto')!.session!.sessionId;
    wamp.close();
    assert.equal(agent.joined, false);
    const again = new RecordingSession(clock);
    await agent.join(again);
    assert.equal(agent.operations.get('auto')!.session!.sessionId, id);
    assert.deepEqual([...agent.feeds()].map((f) => f.feedName), ['heartbeat']);
    await agent.leave();
  });

  it('stops beating when the session closes', async () => {
    const { agent, clock } = makeTestAgent();
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    wamp.close();
    clock.advance(3000);
    assert.equal(wamp.published.length, 1);
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects join with a clear error when the address is taken', async () => {
    const first = makeTestAgent();
    const procedures = new Map();
    await first.agent.join(new RecordingSession(first.clock, procedures));
    const second = makeTestAgent();
    const wamp = new RecordingSession(second.clock, procedures);
    await assert.rejects(second.agent.join(wamp), (err: unknown) => {
      assert.ok(err instanceof AgentJoinError);
      assert.equal(err.error, 'wamp.error.procedure_already_exists');
      assert.match(err.message, /^Failed to register "observatory\.test\.ops": wamp\.error\.procedure_already_exists\. Is this agent already running\?/);
      return true;
    });
    assert.equal(wamp.published.length, 0);
    assert.equal(second.clock.pendingTimers, 0);
    await first.agent.leave();
  });

  it('with heartbeatTimer false the caller drives the beats', async () => {
    const { agent, clock } = makeTestAgent({ heartbeatTimer: false });
    const wamp = new RecordingSession(clock);
    await agent.join(wamp);
    assert.equal(wamp.published.length, 0);
    assert.equal(clock.pendingTimers, 0);
    agent.heartbeat();
    assert.equal(wamp.on(TOPIC).length, 1);
  });
});
