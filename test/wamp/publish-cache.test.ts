// A PUBLISH of args marked immutable (an agent's heartbeat) reuses its
// encoding and writes only the request id afresh: the frame must be byte for
// byte what a fresh encoding of the same message writes, in every serializer,
// plain and batched, for ids of every width.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { SERIALIZERS } from '../../src/wamp/serializers/index.ts';
import { markImmutableArgs } from '../../src/wamp/serializers/publish-cache.ts';
import { frameLengthPrefixed } from '../../src/wamp/serializers/serializer.ts';

/** Ids at each width's edges (msgpack: 127, 255, 65535, 2^32-1; CBOR: 23 too), and anywhere up to 2^53. */
const EDGES = [0, 1, 23, 24, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53];
const requestId = fc.oneof(fc.constantFrom(...EDGES), fc.nat(70_000), fc.maxSafeNat());
const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
const argsOf = fc.array(fc.oneof(value, fc.dictionary(fc.string(), value), fc.array(value)));

/** A heartbeat's args as the agent framework makes them: frozen op codes and the feed's description. */
function heartbeatArgs(): unknown[] {
  const codes = Object.freeze({ count: 1, acq: 3, 'x-y': 5 });
  const feed = {
    agent_address: 'observatory.a1',
    agg_params: {},
    feed_name: 'heartbeat',
    address: 'observatory.a1.feeds.heartbeat',
    record: false,
    session_id: '1700000000.5',
    agent_class: 'SwarmAgent',
  };
  return [[codes, feed]];
}

const bytes = (frame: string | Uint8Array): string => typeof frame === 'string' ? frame : Buffer.from(frame).toString('hex');

for (const serializer of SERIALIZERS.values()) {
  describe(`${serializer.protocol}: a PUBLISH of immutable args`, () => {
    it('property: is written exactly as a fresh encoding, every time, for any id, topic and frozen options', () => {
      const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
      console.log(`publish cache property (${serializer.protocol}): seed ${seed} (replay with FC_SEED=${seed})`);
      fc.assert(
        fc.property(
          argsOf,
          fc.array(requestId, { minLength: 1, maxLength: 4 }),
          fc.string(),
          fc.constantFrom(Object.freeze({}), Object.freeze({ exclude_me: false })),
          (args, ids, topic, options) => {
            // Encoded in full before the args are marked, then from the kept tail (twice: made, then reused).
            const fresh = ids.map((id) => bytes(serializer.encode([16, id, options, topic, args])));
            markImmutableArgs(args);
            for (let round = 0; round < 2; round++) {
              ids.forEach((id, i) => assert.equal(bytes(serializer.encode([16, id, options, topic, args])), fresh[i]));
            }
          },
        ),
        { seed, numRuns: 200 },
      );
    });

    it('writes a heartbeat as a fresh encoding does, also after the topic or the options change', () => {
      const args = heartbeatArgs();
      markImmutableArgs(args);
      const fresh = structuredClone(args);
      for (
        const [id, topic, options] of [[1, 'a.feeds.heartbeat', Object.freeze({})], [2 ** 40, 'a.feeds.heartbeat', Object.freeze({})], [
          7,
          'b.feeds.heartbeat',
          Object.freeze({}),
        ], [8, 'b.feeds.heartbeat', { exclude_me: false }]] as const
      ) {
        assert.equal(bytes(serializer.encode([16, id, options, topic, args])), bytes(serializer.encode([16, id, options, topic, fresh])));
      }
    });

    it('never hands out a kept buffer: a frame changed after sending leaves the next one whole', () => {
      const args = heartbeatArgs();
      markImmutableArgs(args);
      const options = Object.freeze({});
      const first = serializer.encode([16, 5, options, 't', args]);
      if (typeof first !== 'string') first.fill(0);
      assert.deepEqual(
        serializer.decode(serializer.encode([16, 6, options, 't', args])),
        serializer.decode(serializer.encode([16, 6, options, 't', structuredClone(args)])),
      );
    });
  });
}

describe('msgpack: ids as the library writes them', () => {
  it('matches @msgpack/msgpack for every id width', () => {
    const args = heartbeatArgs();
    markImmutableArgs(args);
    const options = Object.freeze({});
    for (const id of EDGES) {
      assert.equal(bytes(SERIALIZERS.get('wamp.2.msgpack')!.encode([16, id, options, 't.x', args])), bytes(msgpackEncode([16, id, {}, 't.x', args])));
      assert.equal(
        bytes(SERIALIZERS.get('wamp.2.msgpack.batched')!.encode([16, id, options, 't.x', args])),
        bytes(frameLengthPrefixed(msgpackEncode([16, id, {}, 't.x', args]))),
      );
    }
  });
});
