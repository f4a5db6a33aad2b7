// The public test helpers (testing/): waiting is driven by the fake clock.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, runFor, until } from '../../testing/mod.ts';

describe('testing helpers', () => {
  it('until moves the clock in steps and returns the clock time the condition took', async () => {
    const clock = new FakeClock(1000);
    let fired = false;
    clock.after(1_230, () => (fired = true));
    const took = await until(clock, () => fired, { stepMs: 100 });
    assert.equal(took, 1_300);
    assert.equal(clock.now(), 1001.3);
  });

  it('until gives up after timeoutMs of clock time, naming what it waited for', async () => {
    const clock = new FakeClock(0);
    await assert.rejects(until(clock, () => false, { timeoutMs: 500, what: 'a miracle' }), /500 ms of clock time waiting for a miracle/);
    assert.equal(clock.now(), 0.5);
  });

  it('runFor fires timers in time order', async () => {
    const clock = new FakeClock(0);
    const order: number[] = [];
    clock.after(300, () => order.push(300));
    clock.after(100, () => order.push(100));
    await runFor(clock, 1_000, 250);
    assert.deepEqual(order, [100, 300]);
    assert.equal(clock.now(), 1);
  });
});
