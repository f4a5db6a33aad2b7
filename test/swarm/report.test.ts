import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../../sim/swarm/histogram.ts';
import { progressLine, RateSampler } from '../../sim/swarm/report.ts';

describe('swarm report', () => {
  it('keeps percentiles within about 1%', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    const s = h.summary();
    assert.equal(s.count, 10_000);
    assert.equal(s.min, 1);
    assert.equal(s.max, 10_000);
    for (const [got, want] of [[s.p50, 5000], [s.p90, 9000], [s.p99, 9900], [s.p999, 9990]] as const) {
      assert.ok(Math.abs(got - want) / want < 0.011, `${got} vs ${want}`);
    }
    assert.ok(Number.isNaN(new LatencyHistogram().summary().p50));
  });

  it('samples rates and prints a progress line', () => {
    const r = new RateSampler(0, 0);
    r.sample(100, 1);
    r.sample(300, 2);
    r.sample(450, 3);
    assert.deepEqual(r.summary(), { min: 100, avg: 150, max: 200, stddev: Math.sqrt((50 ** 2 + 50 ** 2) / 3) });
    const line = progressLine({ elapsed: 12, up: 99_990, agents: 100_000, expired: 10, heartbeatsPerSecond: 99_990.4, sent: 1000, delivered: 1000, errors: 0 });
    assert.equal(line, '[  12 s] agents 99,990/100,000 up, 10 expired | 99,990 heartbeats/s | delivered 100.000% | errors 0');
  });
});
