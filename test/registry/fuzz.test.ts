// Arbitrary call shapes thrown at the Registry Agent's {addr}.ops and {addr}
// through the router (JSON on the wire, as a client sends them): every call
// gets a reply or a WAMP error, nothing crashes, and the registry keeps
// tracking agents. Replay with FC_SEED=<seed>.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import fc from 'fast-check';
import { CallResult, WampError } from '../../src/wamp/session.ts';
import { Network, REGISTRY } from '../support/network.ts';

const action = fc.oneof(fc.constantFrom('start', 'stop', 'abort', 'wait', 'status', 'bogus'), fc.jsonValue());
const op = fc.oneof(fc.constantFrom('main', 'register_agent', 'nope'), fc.jsonValue());
const opsArgs = fc.oneof(
  fc.tuple(action, op, fc.jsonValue()).map((t) => [...t]),
  fc.tuple(action, op).map((t) => [...t]),
  fc.array(fc.jsonValue(), { maxLength: 6 }),
);
const kwargs = fc.oneof(
  fc.constant({}),
  fc.record({ params: fc.jsonValue(), timeout: fc.oneof(fc.constant(-1), fc.constant(0), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record({ password: fc.string() }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3, noNullPrototype: true }),
);
const call = fc.record({
  procedure: fc.constantFrom(`${REGISTRY}.ops`, REGISTRY),
  args: fc.oneof(opsArgs, fc.array(fc.jsonValue(), { maxLength: 3 })),
  kwargs,
});

describe('Registry Agent under arbitrary calls (property, through the router)', () => {
  it('answers every call with a result or a WAMP error and keeps working', async () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`registry fuzz test: seed ${seed} (replay with FC_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 15 }), async (calls) => {
        const net = await Network.start();
        try {
          const fake = await net.addFakeData('watched');
          const outcomes = calls.map((c) =>
            net.client.call(c.procedure, c.args as unknown[], c.kwargs as Record<string, unknown>).then(
              (result) => assert.ok(result instanceof CallResult),
              (err: unknown) => assert.ok(err instanceof WampError, `rejected with ${String(err)}`),
            )
          );
          await net.advance(2000, 250);
          // End every session so any `wait` without a timeout answers too.
          net.registry.agent.stopAllSessions();
          await net.advance(12_000, 1000);
          await Promise.all(outcomes.map((o) => net.settled(o)));

          // Still working: the registry answers and tracks the live agent.
          const [status] = await net.ops(REGISTRY, ['status', 'main', {}]);
          assert.equal(status, 0);
          const entry = net.registry.registry.get('observatory.watched');
          assert.equal(entry?.expired, false);
          assert.ok(net.clock.now() - (entry?.last_updated ?? 0) <= 1.5);
          assert.equal(fake.agent.joined, true);
        } finally {
          await net.stop();
        }
      }),
      { seed, numRuns: 40, path: process.env.FC_PATH },
    );
  });
});
