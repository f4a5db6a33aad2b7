// Arbitrary call shapes thrown at {addr}.ops and {addr}: every call answers
// with a reply or a WampError, and the agent still answers status afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WampError } from '../../src/wamp/session.ts';
import { advance } from './helpers.ts';
import { makeTestAgent } from './test-agent.ts';

const ACTIONS = ['start', 'stop', 'abort', 'wait', 'status', 'nope'];
const OPS = ['main', 'quick', 'hang', 'delay', 'acq', 'raw', 'raises', 'bad_return', 'priv', 'nope'];

const plausibleArgs = fc.tuple(
  fc.oneof(fc.constantFrom(...ACTIONS), fc.anything()),
  fc.oneof(fc.constantFrom(...OPS), fc.anything()),
  fc.anything(),
  fc.oneof(fc.constant(null), fc.double({ min: -1, max: 2, noNaN: true }), fc.anything()),
).chain(([a, o, p, t]) => fc.constantFrom([a, o, p, t], [a, o, p], [a, o], [a], []));

const callArbitrary = fc.record({
  target: fc.constantFrom('ops', 'management'),
  args: fc.oneof(plausibleArgs, fc.anything()),
  kwargs: fc.oneof(
    fc.constant({}),
    fc.record({ params: fc.anything(), timeout: fc.anything() }, { requiredKeys: [] }),
    fc.record({ password: fc.string() }),
    fc.anything(),
  ),
});

function checkOutcome(run: () => unknown): Promise<void> | void {
  let value: unknown;
  try {
    value = run();
  } catch (err) {
    assert.ok(err instanceof WampError, `threw ${String(err)}`);
    return;
  }
  if (value instanceof Promise) {
    return value.then(checkReply, (err: unknown) => assert.ok(err instanceof WampError, `rejected with ${String(err)}`));
  }
}

function checkReply(value: unknown): void {
  assert.ok(Array.isArray(value) && value.length === 3, 'a triple');
  assert.ok([0, -1, 1].includes(value[0] as number));
  assert.equal(typeof value[1], 'string');
}

describe('endpoints under arbitrary input (property)', () => {
  it('only ever reply or throw WampError, and keep answering status', async () => {
    const seed = Date.now();
    console.log(`property seed: ${seed}`);
    await fc.assert(
      fc.asyncProperty(fc.array(callArbitrary, { maxLength: 25 }), async (calls) => {
        const { agent, clock } = makeTestAgent();
        const pending: Promise<void>[] = [];
        let settled = 0;
        const failures: unknown[] = [];
        for (const call of calls) {
          const endpoint = call.target === 'ops' ? agent.opsEndpoint : agent.managementEndpoint;
          const outcome = checkOutcome(() => endpoint(call.args as unknown[], call.kwargs as Record<string, unknown>, {}));
          if (outcome) pending.push(outcome.then(() => void settled++, (err: unknown) => void failures.push(err)));
          await advance(clock, 100, 100);
        }
        agent.stopAllSessions();
        await advance(clock, 11_000, 1000);
        const status = agent.opsEndpoint(['status', 'main', {}], {}, {}) as unknown[];
        checkReply(status);
        assert.equal(status[0], 0);
        assert.ok(['No session active.', 'Session active.'].includes(status[1] as string));
        // Every session has ended by now, so every wait has answered.
        assert.deepEqual(failures, []);
        assert.equal(settled, pending.length);
        const quick = agent.opsEndpoint(['start', 'quick', {}], {}, {}) as unknown[];
        assert.ok(quick[0] === 0 || quick[1] === 'Operation "quick" already in progress.');
      }),
      { seed, numRuns: 150 },
    );
  });
});
