// The leadership state machine alone (src/registry/leadership.ts), on a fake
// clock with a hand-driven bus: split brain, stale beacons, ties, a lost lease.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Beacon, Leadership } from '../../src/registry/leadership.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** Registries on one bus: a beacon reaches everyone connected, the sender too (exclude_me false). */
class Bus {
  readonly clock = new FakeClock();
  readonly members: Leadership[] = [];
  readonly cut = new Set<Leadership>();
  /** A partition: each member hears only itself. */
  isolated = false;
  readonly log: string[] = [];

  add(id: string, started = this.clock.now()): Leadership {
    const member: Leadership = new Leadership({
      clock: this.clock,
      id,
      started,
      host: 'h',
      pid: 1,
      publish: (beacon) => this.#send(member, beacon),
      onLead: () => this.log.push(`${id} leads`),
      onStepDown: (why) => this.log.push(`${id} stands by: ${why}`),
    });
    this.members.push(member);
    member.start();
    return member;
  }

  #send(from: Leadership, beacon: Beacon): void {
    if (this.cut.has(from)) return;
    for (const m of this.members) if (!this.cut.has(m) && (!this.isolated || m === from)) m.heard([beacon]);
  }

  run(ms: number): void {
    for (let t = 0; t < ms; t += 5) this.clock.advance(5);
  }

  leaders(): string[] {
    return this.members.filter((m) => m.role === 'leader').map((m) => m.id);
  }
}

describe('Leadership', () => {
  it('a lone registry leads after 0.7 s of silence and 0.2 s as a candidate', () => {
    const bus = new Bus();
    const a = bus.add('a');
    bus.run(850);
    assert.equal(a.role, 'candidate');
    bus.run(200);
    assert.equal(a.role, 'leader');
    assert.ok(a.leading);
  });

  it('a leader cut off loses its lease in 0.5 s; the other leads; after the cut the incumbent wins the split brain', () => {
    const bus = new Bus();
    const a = bus.add('a');
    bus.run(2000);
    bus.add('b');
    bus.run(2000);
    assert.deepEqual(bus.leaders(), ['a']);
    bus.cut.add(a);
    bus.run(550);
    assert.equal(a.leading, false, 'no lease: it may not publish');
    assert.equal(a.role, 'standby', 'it stood down by itself');
    bus.run(1000);
    assert.deepEqual(bus.leaders(), ['b']);
    // a, still cut, never elects itself: it cannot hear its own candidate beacons.
    bus.run(3000);
    assert.deepEqual(bus.leaders(), ['b']);
    bus.cut.delete(a);
    bus.run(2000);
    assert.deepEqual(bus.leaders(), ['b'], 'the one leading stays');
    assert.equal(a.role, 'standby');
  });

  it('two leaders at once (a healed partition): the one leading longer stays, the other stands down', () => {
    const bus = new Bus();
    bus.add('a');
    bus.run(2000);
    const b = bus.add('b');
    bus.isolated = true; // each side hears only itself: b leads on its own side too
    bus.run(2000);
    assert.deepEqual(bus.leaders(), ['a', 'b'], 'split brain');
    bus.isolated = false;
    bus.run(300);
    assert.deepEqual(bus.leaders(), ['a'], 'the incumbent stays');
    assert.equal(b.role, 'standby');
    assert.ok(bus.log.some((line) => line.startsWith('b stands by: registry a')), bus.log.join('\n'));
    bus.run(3000);
    assert.deepEqual(bus.leaders(), ['a']);
  });

  it('between candidates the older process wins, whatever their ids', () => {
    const bus = new Bus();
    const young = bus.add('a', 2000);
    const old = bus.add('z', 1000);
    bus.run(2000);
    assert.deepEqual(bus.leaders(), ['z']);
    assert.equal(young.role, 'standby');
    assert.equal(old.takeovers, 1);
  });

  it('ignores stale beacons and anything that is not a beacon', () => {
    const bus = new Bus();
    const a = bus.add('a');
    const now = bus.clock.now();
    for (let t = 0; t < 40; t++) {
      bus.clock.advance(50);
      // A leader beacon sent 1 s ago (held in a stopped process): counts for nothing.
      a.heard([{ role: 'leader', id: 'ghost', started: now, since: now, at: bus.clock.now() - 1, host: 'h', pid: 2 }]);
      a.heard(['junk', 1]);
      a.heard([{ role: 'leader', id: 7 }]);
    }
    assert.equal(a.role, 'leader', 'it stood up despite the stale and malformed beacons');
  });
});
