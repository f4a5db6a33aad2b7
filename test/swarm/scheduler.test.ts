import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../sim/swarm/random.ts';
import { HeartbeatScheduler } from '../../sim/swarm/scheduler.ts';
import { FakeClock } from '../support/fake-clock.ts';

function run(jitter: number, agents: number, periods: number) {
  const clock = new FakeClock(1_700_000_000);
  const beats: number[][] = Array.from({ length: agents }, () => []);
  const scheduler = new HeartbeatScheduler({
    clock,
    periodMs: 1000,
    jitter,
    random: new Random(1),
    beat: (i) => beats[i]!.push(clock.now() * 1000),
  });
  scheduler.start();
  for (let i = 0; i < agents; i++) scheduler.add(i);
  clock.advance(periods * 1000);
  return { clock, scheduler, beats };
}

describe('heartbeat scheduler', () => {
  it('beats every agent once per period at a fixed rate, with one timer', () => {
    const { clock, scheduler, beats } = run(0, 500, 10);
    for (const b of beats) {
      assert.ok(b.length === 10 || b.length === 9, `${b.length} beats`);
      for (let k = 1; k < b.length; k++) assert.ok(Math.abs(b[k]! - b[k - 1]! - 1000) <= 10, `interval ${b[k]! - b[k - 1]!}`);
    }
    assert.equal(clock.pendingTimers, 1);
    scheduler.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  it('keeps each interval within period × (1 ± jitter), one tick of lateness allowed', () => {
    const { beats, scheduler } = run(0.2, 300, 30);
    let n = 0;
    for (const b of beats) {
      for (let k = 1; k < b.length; k++) {
        const dt = b[k]! - b[k - 1]!;
        assert.ok(dt >= 800 - 10 && dt <= 1200 + 10, `interval ${dt}`);
        n++;
      }
      // About one beat per period on average.
      assert.ok(b.length >= 24 && b.length <= 38, `${b.length} beats in 30 periods`);
    }
    assert.ok(n > 7000);
    scheduler.stop();
  });

  it('spreads first beats over the period and stops beating removed agents', () => {
    const clock = new FakeClock(1_700_000_000);
    const count = new Map<number, number>();
    const scheduler = new HeartbeatScheduler({
      clock,
      periodMs: 1000,
      jitter: 0,
      random: new Random(2),
      beat: (i) => count.set(i, (count.get(i) ?? 0) + 1),
    });
    scheduler.start();
    for (let i = 0; i < 100; i++) scheduler.add(i);
    clock.advance(500);
    assert.ok(count.size > 30 && count.size < 70, `${count.size} of 100 beat in the first half period`);
    scheduler.remove(5);
    const before = count.get(5) ?? 0;
    clock.advance(5000);
    assert.equal(count.get(5) ?? 0, before);
    assert.equal(scheduler.size, 99);
    scheduler.add(5);
    clock.advance(1000);
    assert.equal(count.get(5), before + 1);
    scheduler.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  it('skips missed beats after a stall instead of bunching them', () => {
    const clock = new FakeClock(1_700_000_000);
    let beats = 0;
    const scheduler = new HeartbeatScheduler({ clock, periodMs: 1000, jitter: 0, random: new Random(3), beat: () => beats++ });
    scheduler.add(0, clock.now() * 1000);
    scheduler.start();
    clock.advance(20);
    assert.equal(beats, 1);
    // A stall: ten seconds in which the timer never runs.
    scheduler.stop();
    clock.advance(10_000);
    scheduler.start();
    clock.advance(1000);
    assert.equal(beats, 2, 'one beat after the stall, not ten');
    clock.advance(3000);
    assert.equal(beats, 5, 'then the normal rate');
    scheduler.stop();
  });
});
