import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawOpCount } from '../../sim/swarm/op-count.ts';
import { Random } from '../../sim/swarm/random.ts';

describe('op count distribution', () => {
  it('has median 4, p90 15 and max 42 over 10k seeded samples', () => {
    const random = new Random(42);
    const xs = Array.from({ length: 10_000 }, () => drawOpCount(random)).sort((a, b) => a - b);
    const q = (p: number) => xs[Math.floor(p * xs.length)]!;
    assert.equal(q(0.5), 4);
    assert.ok(q(0.9) >= 14 && q(0.9) <= 16, `p90 ${q(0.9)}`);
    assert.equal(xs[0], 1);
    assert.equal(xs.at(-1), 42);
  });

  it('repeats for a seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const draw = (r: Random) => Array.from({ length: 50 }, () => drawOpCount(r));
    const first = draw(a);
    assert.deepEqual(first, draw(b));
    assert.notDeepEqual(first, draw(c));
  });
});
