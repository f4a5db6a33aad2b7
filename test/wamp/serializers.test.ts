// The serializers read and write what Python (crossbar, autobahn-python) does.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cbor, json, jsonBatched, msgpack, type WampSerializer } from '../../src/wamp/serializers/index.ts';
import { decodePythonJson, encodePythonJson, markImmutableArgs } from '../../src/wamp/serializers/json.ts';
import fc from 'fast-check';
import { withInvalidUtf8 as spoil } from '../support/spoiled.ts';

describe('JSON as Python writes it', () => {
  it('reads the bare NaN, Infinity and -Infinity tokens, never inside strings', () => {
    const text = '[36,1,2,{"topic":"a NaN \\" Infinity -Infinity"},[[{"x":NaN,"y":-Infinity,"z":Infinity,"w":[1,-2.5e3]}]]]';
    const [message] = json.decode(text) as [unknown[]];
    assert.deepEqual(message.slice(0, 4), [36, 1, 2, { topic: 'a NaN " Infinity -Infinity' }]);
    const values = (message[4] as [[Record<string, unknown>]])[0][0];
    assert.ok(Number.isNaN(values.x));
    assert.equal(values.y, -Infinity);
    assert.equal(values.z, Infinity);
    assert.deepEqual(values.w, [1, -2500]);
  });

  it('still refuses what is not JSON', () => {
    for (const bad of ['[1,', 'NaNa', '[Nan]', '[1] x', '{"a":Infinit}', '[-NaN]']) assert.throws(() => json.decode(bad), SyntaxError, bad);
  });

  it('writes non-finite numbers as Python does (not as null) and leaves null alone', () => {
    assert.equal(json.encode([1, null, Number.NaN, 'NaN', { a: -Infinity, b: Infinity }]), '[1,null,NaN,"NaN",{"a":-Infinity,"b":Infinity}]');
    assert.equal(json.encode([1, null]), '[1,null]');
    const back = json.decode(json.encode([Number.NaN])) as [[number]];
    assert.ok(Number.isNaN(back[0][0]));
  });

  it('batches with 0x18, as autobahn does (b"\\30")', () => {
    const frame = (jsonBatched.encode([1, Number.NaN]) as string) + (jsonBatched.encode([2, 'x']) as string);
    assert.equal(frame, '[1,NaN]\u0018[2,"x"]\u0018');
    const [a, b] = jsonBatched.decode(frame) as [[number, number], unknown[]];
    assert.ok(Number.isNaN(a[1]));
    assert.deepEqual(b, [2, 'x']);
    assert.throws(() => jsonBatched.decode('[1]\u001e'), SyntaxError);
  });
});

describe('msgpack', () => {
  it('carries non-finite floats both ways', () => {
    const [back] = msgpack.decode(msgpack.encode([Number.NaN, Infinity, -Infinity])) as [number[]];
    assert.ok(Number.isNaN(back[0]));
    assert.deepEqual(back.slice(1), [Infinity, -Infinity]);
  });
});

describe('msgpack and CBOR strings must be valid UTF-8 (crossbar refuses the frame)', () => {
  const withInvalidUtf8 = (s: WampSerializer, message: unknown[]) => spoil(s).encode(message) as Uint8Array;
  for (const s of [msgpack, cbor]) {
    it(`${s.protocol}: an invalid string (value or key) is refused; valid text, U+FFFD included, is not`, () => {
      assert.throws(() => s.decode(withInvalidUtf8(s, [16, 1, {}, 'observatory.x', ['BADUTF8']])), TypeError);
      assert.throws(() => s.decode(withInvalidUtf8(s, [16, 1, {}, 'observatory.x', [], { BADUTF8: 1 }])), TypeError);
      const text = ['héllo ☃ 𝄞', 'a\uFFFDb', 'x'.repeat(100) + 'é'];
      assert.deepEqual(s.decode(s.encode([16, 1, {}, 'observatory.x', text])), [[16, 1, {}, 'observatory.x', text]]);
    });
  }
});

describe('JSON: a PUBLISH of args marked immutable', () => {
  it('property: is written exactly as a fresh encoding, every time, plain and batched', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`immutable args property: seed ${seed} (replay with FC_SEED=${seed})`);
    const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(value, fc.dictionary(fc.string(), value), fc.array(value))),
        fc.integer({ min: 1, max: 2 ** 53 }),
        fc.string(),
        fc.constantFrom({}, { exclude_me: false }),
        (args, request, topic, options) => {
          markImmutableArgs(args);
          const message = [16, request, options, topic, args];
          for (let i = 0; i < 2; i++) {
            assert.equal(json.encode(message), encodePythonJson(message));
            assert.equal(jsonBatched.encode(message), `${encodePythonJson(message)}\u0018`);
          }
          assert.deepEqual(json.decode(json.encode(message)), [decodePythonJson(encodePythonJson(message))]);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('keeps NaN and the infinities as Python writes them', () => {
    const args = [[{ a: Number.NaN, b: Infinity, c: -Infinity, d: null }]];
    markImmutableArgs(args);
    assert.equal(json.encode([16, 7, {}, 't.x', args]), '[16,7,{},"t.x",[[{"a":NaN,"b":Infinity,"c":-Infinity,"d":null}]]]');
    assert.equal(json.encode([16, 8, {}, 't.x', args]), '[16,8,{},"t.x",[[{"a":NaN,"b":Infinity,"c":-Infinity,"d":null}]]]');
  });
});
