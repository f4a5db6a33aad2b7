// The operator's log: one grep-able line per transition, caller text quoted,
// a token bucket against floods (what it holds back is said on the next line).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/core/registry.ts';
import { TransitionLog } from '../../src/registry/transition-log.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

describe('TransitionLog', () => {
  it('writes one line per join, expiry and revival, quoting caller text', () => {
    const clock = new FakeClock(1_700_000_000);
    const lines: string[] = [];
    const log = new TransitionLog((l) => lines.push(l), clock);
    const registry = new Registry({ addressRoot: ROOT });
    const feed = (r: ReturnType<Registry['ingest']>) => r?.kind === 'changed' && log.change(r);
    feed(registry.ingest(...heartbeat('a', { agentClass: 'Fake"Agent\n' }), 1_700_000_000.25));
    for (const c of registry.expire(1_700_000_006.25)) log.change(c);
    feed(registry.ingest(...heartbeat('a', { agentClass: 'Fake"Agent\n' }), 1_700_000_007.25));
    assert.deepEqual(lines, [
      'agent joined address="observatory.a" class="Fake\\"Agent\\n" session="1700000000.123456"',
      'agent expired address="observatory.a" class="Fake\\"Agent\\n" time_expired=1700000005.25',
      'agent revived address="observatory.a" class="Fake\\"Agent\\n"',
    ]);
  });

  it('holds back lines beyond its rate and says how many on the next one', async () => {
    const clock = new FakeClock(1_700_000_000);
    const lines: string[] = [];
    const log = new TransitionLog((l) => lines.push(l), clock, { perSecond: 1, burst: 3 });
    const registry = new Registry({ addressRoot: ROOT });
    for (let i = 0; i < 10; i++) {
      const r = registry.ingest(...heartbeat(`a${i}`), clock.now());
      if (r?.kind === 'changed') log.change(r);
    }
    assert.equal(lines.length, 3);
    assert.equal(log.suppressed, 7);
    await clock.advance(2000);
    const r = registry.ingest(...heartbeat('late'), clock.now());
    if (r?.kind === 'changed') log.change(r);
    assert.deepEqual(lines.slice(3), [
      'agent log rate limited: 7 lines not written',
      'agent joined address="observatory.late" class="FakeDataAgent" session="1700000000.123456"',
    ]);
  });
});
