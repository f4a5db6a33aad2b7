// Hot standby on the simulator (issue 13), on a fake clock: two registries
// at one address; the leader is killed, or its link is held (what SIGSTOP
// looks like from the router); the other takes over within 2 s, nobody is
// shown expired for it, calls are answered, and at no step do both publish.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { createHttpApp } from '../../src/http/index.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

const ADDRESS = 'observatory.registry';
const STEP_MS = 25;

class Cluster {
  readonly clock = new FakeClock();
  readonly router = new Router({ realms: ['r'], serialize: 'json' });
  readonly registries: RegistryAgent[] = [];
  readonly sessions = new Map<RegistryAgent, WampSession>();
  expiries = 0;
  /** Steps in which more than one registry published on agent_operations. */
  doublePublishing = 0;
  /** Longest span without any agent_operations event reaching the client (s). */
  longestGap = 0;
  /** Fake-clock times of every agent_operations event that reached the client. */
  readonly events: number[] = [];
  #lastEvent = Number.NaN;
  client!: WampSession;

  async start(agents: number): Promise<void> {
    this.client = await this.router.connect('r', { authrole: 'iocs_controller' });
    await this.client.subscribe(`${ADDRESS}.feeds.agent_operations`, () => {
      const now = this.clock.now();
      if (this.#lastEvent === this.#lastEvent) this.longestGap = Math.max(this.longestGap, now - this.#lastEvent);
      this.#lastEvent = now;
      this.events.push(now);
    });
    for (let i = 1; i <= agents; i++) {
      const fake = new FakeDataAgent({ address: `observatory.agent${i}`, clock: this.clock });
      await fake.agent.join(await this.router.connect('r'));
    }
  }

  async addRegistry(pid: number): Promise<RegistryAgent> {
    // A short republish period keeps agent_operations flowing, so a gap in it is the takeover's.
    const registry = new RegistryAgent({ address: ADDRESS, addressRoot: 'observatory', clock: this.clock, hostname: 'h', pid, standby: true, waitTime: 1 });
    registry.onChange((c) => void (c.expired && registry.mayPublish && this.expiries++));
    const session = await this.router.connect('r');
    this.sessions.set(registry, session);
    await registry.join(session);
    this.registries.push(registry);
    return registry;
  }

  /** Seconds from `t` to the first event after it. */
  feedBackAfter(t: number): number {
    return (this.events.find((e) => e > t) ?? Number.NaN) - t;
  }

  leaders(): RegistryAgent[] {
    return this.registries.filter((r) => r.leadershipStatus.role === 'leader');
  }

  /** Run until `done()` or `ms` passed; returns the seconds it took. */
  async runUntil(done: () => boolean, ms: number): Promise<number> {
    const start = this.clock.now();
    for (let t = 0; t < ms && !done(); t += STEP_MS) await this.step();
    return this.clock.now() - start;
  }

  async step(): Promise<void> {
    const before = this.registries.map((r) => r.operationsFeed.published);
    this.clock.advance(STEP_MS);
    await settle();
    const publishers = this.registries.filter((r, i) => r.operationsFeed.published > (before[i] as number)).length;
    if (publishers > 1) this.doublePublishing++;
  }

  async call(): Promise<string> {
    const reply = this.client.call(`${ADDRESS}.ops`, ['status', 'main', {}]);
    await this.runUntil(() => false, 200);
    const [, , session] = (await reply).args[0] as [number, string, { status: string }];
    return session.status;
  }

  close(): void {
    this.router.close();
  }
}

describe('Hot standby (simulator)', () => {
  it('one of two registries leads; the other takes over within 2 s when the leader is killed, and again when its link is held', async () => {
    const c = new Cluster();
    await c.start(5);
    const a = await c.addRegistry(1);
    await c.runUntil(() => c.leaders().length === 1, 9000);
    assert.deepEqual(c.leaders(), [a], 'the only registry leads after a silence');
    const b = await c.addRegistry(2);
    await c.runUntil(() => false, 7000); // a new standby listens for a timeout + 1 s before it may stand up
    assert.equal(b.leadershipStatus.role, 'standby');
    assert.equal(await c.call(), 'running', 'the leader answers main.status()');
    assert.equal(b.registry.size, 5, 'the standby tracks every heartbeat too');
    assert.equal(a.registry.size, 5);
    assert.equal(b.operationsFeed.published, 0, 'the standby publishes nothing');

    // kill -9 of the leader: its session is gone.
    const killedAt = c.clock.now();
    c.router.killSession(c.sessions.get(a)!.id);
    const takeover = await c.runUntil(() => b.leadershipStatus.role === 'leader', 5000);
    assert.ok(takeover <= 2, `took over in ${takeover.toFixed(2)} s`);
    // The new leader publishes the moment it leads: the feed is back within the takeover, not a turn of the republish later.
    assert.ok(
      c.feedBackAfter(killedAt) <= takeover,
      `agent_operations back after ${c.feedBackAfter(killedAt).toFixed(3)} s, takeover ${takeover.toFixed(3)} s`,
    );
    assert.equal(await c.call(), 'running', 'the new leader answers main.status()');
    await c.runUntil(() => false, 2000);

    // A new standby, then the leader's link is held for 10 s (SIGSTOP as the router sees it).
    const a2 = await c.addRegistry(3);
    await c.runUntil(() => false, 7000);
    assert.equal(a2.leadershipStatus.role, 'standby');
    const bSession = c.sessions.get(b)!;
    const heldAt = c.clock.now();
    c.router.pauseSession(bSession.id);
    const second = await c.runUntil(() => a2.leadershipStatus.role === 'leader', 5000);
    assert.ok(second <= 2, `took over in ${second.toFixed(2)} s`);
    // Held, the old leader's events still reach the client until its lease runs out; then the new leader's, at once.
    const resumed = c.events.filter((e) => e > heldAt);
    const gaps = resumed.map((e, i) => e - (i === 0 ? heldAt : resumed[i - 1]!));
    assert.ok(Math.max(...gaps) <= second, `agent_operations gap ${Math.max(...gaps).toFixed(3)} s, takeover ${second.toFixed(3)} s`);
    assert.equal(b.leadershipStatus.role, 'standby', 'the held leader lost its lease and stood down by itself');
    assert.equal(await c.call(), 'running');
    await c.runUntil(() => false, 8000);
    c.router.resumeSession(bSession.id);
    await c.runUntil(() => false, 3000);
    assert.deepEqual(c.leaders(), [a2], 'the old leader stays a standby when it comes back');
    assert.equal(await c.call(), 'running');

    assert.equal(c.expiries, 0, 'nobody expired because of a takeover');
    assert.equal(c.doublePublishing, 0, 'never two registries publishing in the same step');
    assert.equal(b.leadershipStatus.takeovers, 1);
    c.close();
  });

  it('shows role, since and takeovers in /api/registry, /api/status and /metrics', async () => {
    const c = new Cluster();
    await c.start(1);
    const a = await c.addRegistry(1);
    await c.runUntil(() => c.leaders().length === 1, 9000);
    const b = await c.addRegistry(2);
    await c.runUntil(() => false, 1000);
    for (const [registry, role, leader] of [[a, 'leader', 1], [b, 'standby', 0]] as const) {
      const app = createHttpApp({ registryAgent: registry, clock: c.clock, lagProbeMs: 0, keepAliveMs: 0 });
      const api = await (await app.request('/api/registry')).json();
      assert.equal(api.role, role);
      assert.equal(api.standby, true);
      assert.equal(api.takeovers, role === 'leader' ? 1 : 0);
      assert.equal(api.leader, a.leadershipStatus.id);
      assert.equal((await (await app.request('/api/status')).json()).leadership.role, role);
      const metrics = await (await app.request('/metrics')).text();
      assert.match(metrics, new RegExp(`^ocs_registry_leader ${leader}$`, 'm'));
      assert.match(metrics, new RegExp(`^ocs_registry_takeovers_total ${role === 'leader' ? 1 : 0}$`, 'm'));
      app.close();
    }
    c.close();
  });

  it('two registries starting at once: exactly one leads', async () => {
    const c = new Cluster();
    await c.start(2);
    const [a, b] = [await c.addRegistry(1), await c.addRegistry(2)];
    await c.runUntil(() => false, 9000);
    assert.equal(c.leaders().length, 1);
    assert.deepEqual([a, b].map((r) => r.leadershipStatus.role).sort(), ['leader', 'standby']);
    assert.equal(c.doublePublishing, 0);
    c.close();
  });
});
