import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { floatTime } from '../../src/core/index.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { json, msgpack } from '../../src/wamp/serializers/index.ts';

describe('Timestamps are floats on the wire', () => {
  it('floatTime nudges only integral values, by 1 µs', () => {
    assert.equal(floatTime(1_700_000_000.25), 1_700_000_000.25);
    const nudged = floatTime(1_700_000_005);
    assert.ok(!Number.isInteger(nudged) && nudged - 1_700_000_005 < 2e-6);
    // JSON and msgpack then carry a float (Python: 1700000005.000001, float64).
    assert.equal(json.encode([nudged]), '[1700000005.000001]');
    assert.equal((msgpack.encode([nudged]) as Uint8Array)[1], 0xcb, 'msgpack float 64');
    assert.equal(json.encode([1_700_000_005]), '[1700000005]', 'what an int stamp would have been');
  });

  it('the system clock reads below the millisecond, stays within 1 ms of Date.now(), never integral', () => {
    let fractionalMs = 0;
    for (let i = 0; i < 2000; i++) {
      const before = Date.now();
      const t = systemClock.now();
      const after = Date.now();
      assert.ok(!Number.isInteger(t));
      assert.ok(t * 1000 >= before - 1 && t * 1000 <= after + 1, `${t} within 1 ms of Date.now()`);
      if (!Number.isInteger(Math.round(t * 1e6) / 1e3)) fractionalMs++;
    }
    assert.ok(fractionalMs > 1000, `sub-millisecond resolution (${fractionalMs} of 2000)`);
  });
});
