// A FakeDataAgent joined through the in-process router (sim/router), called
// over WAMP like OCSClient does: `{addr}.ops` replies as one positional result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { Router } from '../../sim/router/index.ts';
import { WampError } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { advance } from './helpers.ts';

describe('FakeDataAgent through sim/router', () => {
  it('answers {addr}.ops and {addr} calls and publishes heartbeats', async () => {
    const router = new Router();
    const clock = new FakeClock(1_700_000_000);
    const fake = new FakeDataAgent({ clock, random: () => 0.5 });
    const agentSession = await router.connect('test_realm');
    const client = await router.connect('test_realm');
    try {
      const beats: unknown[] = [];
      await client.subscribe('observatory..feeds.heartbeat', (args) => void beats.push(args[0]), { match: 'wildcard' });
      await fake.join(agentSession);

      const api = await client.call('observatory.fake-data1', ['get_api']);
      assert.equal((api.args[0] as Record<string, unknown>)['agent_class'], 'FakeDataAgent');

      const started = await client.call('observatory.fake-data1.ops', ['start', 'delay_task', { delay: 0.01 }]);
      assert.equal(started.args.length, 1);
      const [status, message, session] = started.args[0] as [number, string, Record<string, unknown>];
      assert.deepEqual([status, message, session['op_code']], [0, 'Started task "delay_task".', 2]);

      const waiting = client.call('observatory.fake-data1.ops', ['wait', 'delay_task'], { params: {}, timeout: null });
      await advance(clock, 100);
      const waited = (await waiting).args[0] as [number, string, Record<string, unknown>];
      assert.deepEqual([waited[0], waited[1], waited[2]['op_code']], [0, 'Operation "delay_task" is currently not running (SUCCEEDED).', 5]);

      await assert.rejects(
        client.call('observatory.fake-data1.ops', ['status', 'acq'], { x: 1 }),
        (err: unknown) =>
          err instanceof WampError && err.error === 'wamp.error.runtime_error' &&
          err.args[0] === "OCSAgent._ops_handler() got an unexpected keyword argument 'x'",
      );

      await advance(clock, 1000);
      assert.ok(beats.length >= 1);
      assert.deepEqual((beats.at(-1) as [Record<string, number>])[0], { acq: 1, count: 1, set_heartbeat: 1, delay_task: 5 });

      const second = new FakeDataAgent({ clock });
      const taken = await router.connect('test_realm');
      await assert.rejects(second.join(taken), { name: 'AgentJoinError' });
      await taken.leave();
    } finally {
      await fake.leave();
      await client.leave();
      await agentSession.leave();
      router.close();
    }
  });
});
