// Every serializer round-trips what WAMP carries, exactly: ids are 53-bit
// integers and must stay integers on the wire (Python reads a float where an
// id belongs as a protocol error). Replay the property with FC_SEED=<seed>.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import fc from 'fast-check';
import { cbor, cborBatched, json, jsonBatched, msgpack, msgpackBatched, SERIALIZERS, type WampSerializer } from '../../src/wamp/serializers/index.ts';
import { withExactIntegers } from '../../src/wamp/serializers/cbor.ts';

const MAX_ID = 2 ** 53;
const BINARY = [msgpack, msgpackBatched, cbor, cborBatched];
const ALL = [json, jsonBatched, ...BINARY];

function roundTrip(serializer: WampSerializer, message: unknown[]): unknown {
  const messages = serializer.decode(serializer.encode(message));
  assert.equal(messages.length, 1);
  return messages[0];
}

/** The bytes of `message` as hex, for checking what an integer becomes on the wire. */
function hex(serializer: WampSerializer, message: unknown[]): string {
  return Buffer.from(serializer.encode(message) as Uint8Array).toString('hex');
}

describe('serializers', () => {
  it('offers plain and batched JSON, msgpack and CBOR', () => {
    assert.deepEqual([...SERIALIZERS.keys()].sort(), [
      'wamp.2.cbor',
      'wamp.2.cbor.batched',
      'wamp.2.json',
      'wamp.2.json.batched',
      'wamp.2.msgpack',
      'wamp.2.msgpack.batched',
    ]);
  });

  for (const serializer of ALL) {
    it(`${serializer.protocol}: ids up to 2^53, negative and wide integers, unicode, nesting`, () => {
      const message = [36, MAX_ID, MAX_ID - 1, {}, [2 ** 32 + 1, -(2 ** 40), -1, 0, 0.5, 1e300, 'héllo ☃ 𝄞'], { a: { b: [null, true, false] } }];
      assert.deepEqual(roundTrip(serializer, message), message);
    });
  }

  for (const serializer of ALL) {
    it(`${serializer.protocol}: NaN and infinities`, () => {
      const back = roundTrip(serializer, [70, 1, {}, [NaN, Infinity, -Infinity]]) as [number, number, object, unknown[]];
      assert.ok(Number.isNaN(back[3][0]));
      assert.deepEqual(back[3].slice(1, 3), [Infinity, -Infinity]);
    });
  }

  for (const serializer of ALL) {
    it(`${serializer.protocol}: a map key __proto__ arrives as an own key, order kept, nothing else touched`, () => {
      const inner = JSON.parse('{"a":1,"__proto__":{"polluted":true},"z":[{"__proto__":2}]}');
      const message = [50, 7, {}, [inner, 'x'], JSON.parse('{"__proto__":null}')];
      const back = roundTrip(serializer, message) as unknown[];
      assert.deepEqual(back, message);
      const got = (back[3] as Record<string, unknown>[])[0] as Record<string, unknown>;
      assert.deepEqual(Object.keys(got), ['a', '__proto__', 'z']);
      assert.equal(Object.getPrototypeOf(got), Object.prototype);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  for (const serializer of BINARY) {
    it(`${serializer.protocol}: binary`, () => {
      const back = roundTrip(serializer, [70, 1, {}, [new Uint8Array([0, 1, 255])]]) as [number, number, object, unknown[]];
      assert.deepEqual([...(back[3][0] as Uint8Array)], [0, 1, 255]);
    });
  }

  it('writes integers beyond 32 bits as integers, not floats (CBOR major type 0/1, msgpack uint64/int64)', () => {
    // [2^53, -(2^40)]: CBOR 0x82, 0x1b + 8 bytes, 0x3b + 8 bytes (-1 - n).
    assert.equal(hex(cbor, [MAX_ID, -(2 ** 40)]), '821b00200000000000003b000000ffffffffff');
    // @msgpack/msgpack writes safe integers as integers; 2^53 itself is not safe and goes out as a float,
    // which is why the router draws ids below it.
    assert.equal(hex(msgpack, [MAX_ID - 1, -(2 ** 40)]), '92cf001fffffffffffffd3ffffff0000000000');
    // A float stays a float.
    assert.match(hex(cbor, [1.5e300]), /^81fb/);
    assert.match(hex(cbor, [2 ** 53 + 2]), /^81fb/, 'beyond 2^53 a number is only a float');
  });

  it('copies only the containers that hold a wide integer (CBOR)', () => {
    const untouched = { args: [1, 'two', { three: 3 }] };
    const message = [16, 1, untouched, [{ id: MAX_ID }]];
    const exact = withExactIntegers(message) as unknown[];
    assert.notEqual(exact, message);
    assert.equal(exact[2], untouched);
    assert.deepEqual(exact[3], [{ id: BigInt(MAX_ID) }]);
    assert.equal(message[3] && (message[3] as { id: number }[])[0]?.id, MAX_ID, 'the original is not changed');
    const small = [16, 1, {}, 'x', [1, 2]];
    assert.equal(withExactIntegers(small), small);
  });

  for (const serializer of [msgpackBatched, cborBatched]) {
    it(`${serializer.protocol}: several messages in one frame, and a cut frame is refused`, () => {
      const one = serializer.encode([1, 'test_realm', {}]) as Uint8Array;
      const two = serializer.encode([32, MAX_ID, {}, 'observatory.x']) as Uint8Array;
      const frame = new Uint8Array([...one, ...two]);
      assert.deepEqual(serializer.decode(frame), [[1, 'test_realm', {}], [32, MAX_ID, {}, 'observatory.x']]);
      assert.throws(() => serializer.decode(frame.subarray(0, frame.length - 1)), TypeError);
    });
  }

  for (const serializer of [cbor, cborBatched]) {
    it(`${serializer.protocol}: garbage and a text frame throw (the connection closes, nothing else)`, () => {
      assert.throws(() => serializer.decode('[1]'), TypeError);
      assert.throws(() => serializer.decode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x1c])));
    });
  }

  it('round-trips arbitrary JSON-like payloads with safe integers (property)', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`serializer property: seed ${seed} (replay with FC_SEED=${seed})`);
    const payload = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.maxSafeInteger(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
        fc.string({ unit: 'grapheme' }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), tie('value'), { maxKeys: 4, noNullPrototype: true }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_ID }), fc.array(payload, { maxLength: 4 }), (id, args) => {
        const message = [50, id, {}, args];
        for (const serializer of ALL) assert.deepEqual(roundTrip(serializer, message), message, serializer.protocol);
      }),
      { seed, numRuns: 300 },
    );
  });
});
