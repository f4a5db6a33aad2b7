// Repeated link flaps over the real wire (issue 10): the registry service (as
// the program runs it) reaches its router, a real crossbar and the simulator's
// endpoint side by side, through a TCP hop this test breaks every 2 s. Every
// other break closes only the registry's end and holds the router's end open
// for a second, so the router still holds the registry's old session (its
// ghost, with `{addr}.ops`) when it comes back. Agents beat straight to the
// router; some stop during the run. Asserted per dead agent, against when it
// stopped: it expires no sooner than the timeout allows and no later than the
// first rejoin after its death plus the timeout plus the outages after that
// rejoin (timeout + one reconnect); no living agent ever expires; the session
// comes back after every break.
//
// Real time is unavoidable (crossbar runs on its own clock); the test waits
// on events (the registry's loss and join lines, its expiry changes), and
// only the 2 s cadence of the breaks is a timer. A minute on Bun (the
// production runtime), 20 s on Node and Deno (FLAP_SECONDS overrides).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import { readFileSync } from 'node:fs';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { loadRegistryConfig } from '../../src/config/index.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { RegistryService } from '../../src/service/registry-service.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { LinkProxy } from '../support/link-proxy.ts';

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
const FLAP_SECONDS = Number(process.env.FLAP_SECONDS ?? (isBun ? 60 : 20));
const CUT_EVERY_MS = 2000;
/** How long the router's end of every other broken link stays open (the ghost's lifetime). */
const GHOST_MS = 1000;
const TIMEOUT = 5;
/** Sweeps (25 ms), the agents' and this process's event loop on a loaded 2-core machine. */
const SLACK = 1;
const REALM = 'test_realm';
const ROOT = 'observatory';
const LIVE = ['live1', 'live2', 'live3'];
/** The dead agents and when each stops beating, as a fraction of the run. */
const DEAD: Record<string, number> = { dead1: 0.05, dead2: 0.4, dead3: 0.7 };
const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

interface RouterUnderTest {
  name: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** What the registry said, with when (this process's clock, which is the registry's). */
class Lines {
  readonly lines: { at: number; text: string }[] = [];
  readonly #waiters = new Set<() => void>();

  add(text: string): void {
    this.lines.push({ at: systemClock.now(), text });
    for (const wake of [...this.#waiters]) wake();
  }

  /** The first line at index `from` or later matching `pattern` (waits for it, bounded). */
  next(pattern: RegExp, from: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.lines.findIndex((l, j) => j >= from && pattern.test(l.text));
        if (i < 0) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(i);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.story()}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  story(): string {
    return this.lines.map((l) => `${l.at.toFixed(3)} ${l.text}`).join('\n');
  }
}

const LOST = /Lost the router/;
const JOINED = /Registry Agent observatory\.registry joined/;

interface FlapReport {
  cuts: number;
  joins: number;
  /** Spans in which the registry could not hear: [lost, joined again]. */
  deaf: [number, number][];
  diedAt: Map<string, number>;
  expiredAt: Map<string, number>;
  lines: Lines;
}

async function flap(router: RouterUnderTest): Promise<FlapReport> {
  const port = Number(new URL(router.wsUrl).port);
  const proxy = await LinkProxy.start(port);
  const lines = new Lines();
  const argv = ['--site', 'none', '--site-hub', proxy.urlFor(router.wsUrl), '--site-realm', REALM, '--address-root', ROOT];
  const config = loadRegistryConfig([...argv, '--instance-id', 'registry', '--crossbar-timeout', '0'], {}, {
    hostname: 'link-flaps',
    readFile: () => '',
  });
  const service = new RegistryService(config, {
    clock: systemClock,
    hostname: 'link-flaps',
    pid: process.pid,
    log: (l) => lines.add(l),
    statusEverySeconds: 0,
  });
  const sessions: WampSession[] = [];
  const agents = new Map<string, FakeDataAgent>();
  const diedAt = new Map<string, number>();
  const expiredAt = new Map<string, number>();
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    const first = await service.start();
    assert.deepEqual(first, { joined: true }, lines.story());
    service.agent.onChange((c) => void (c.expired && expiredAt.set(c.agent.agent_address, systemClock.now())));
    for (const id of [...LIVE, ...Object.keys(DEAD)]) {
      const agent = new FakeDataAgent({ address: `${ROOT}.${id}`, clock: systemClock });
      const session = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl), REALM);
      sessions.push(session);
      await agent.agent.join(session);
      agents.set(id, agent);
    }
    // Everyone heard before the flapping starts.
    const heard = new Promise<void>((resolve) => {
      const check = () => [...agents.keys()].every((id) => service.agent.registry.get(`${ROOT}.${id}`) !== undefined) && resolve();
      service.agent.onChange(check);
      check();
    });
    await heard;

    const start = performance.now();
    for (const [id, fraction] of Object.entries(DEAD)) {
      timers.push(setTimeout(() => {
        agents.get(id)!.agent.heartbeatOn = false;
        diedAt.set(id, systemClock.now());
      }, fraction * FLAP_SECONDS * 1000));
    }
    const allDeadExpired = () => Object.keys(DEAD).every((id) => expiredAt.has(`${ROOT}.${id}`));
    let cuts = 0;
    let seen = lines.lines.length;
    let lastCut = performance.now();
    // Past the minute only while a dead agent has yet to expire (bounded: its bound is ~10 s).
    while (performance.now() - start < FLAP_SECONDS * 1000 || (!allDeadExpired() && performance.now() - start < (FLAP_SECONDS + 20) * 1000)) {
      const wait = lastCut + CUT_EVERY_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastCut = performance.now();
      if (cuts % 2 === 0) proxy.drop();
      else proxy.dropRegistrySide(GHOST_MS);
      cuts++;
      seen = await lines.next(LOST, seen, 10_000);
      // Back each time: the next join (past its own ghost on every other break).
      seen = await lines.next(JOINED, seen, 20_000);
    }

    const deaf: [number, number][] = [];
    let lostAt = Number.NaN;
    for (const { at, text } of lines.lines) {
      if (LOST.test(text)) lostAt = at;
      else if (JOINED.test(text) && lostAt === lostAt) {
        deaf.push([lostAt, at]);
        lostAt = Number.NaN;
      }
    }
    const joins = lines.lines.filter((l) => JOINED.test(l.text)).length;
    return { cuts, joins, deaf, diedAt, expiredAt, lines };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const agent of agents.values()) agent.agent.stopAllSessions();
    for (const session of sessions) await session.leave().catch(() => {});
    await service.stop();
    await proxy.close();
  }
}

function check(name: string, report: FlapReport): void {
  const { deaf, diedAt, expiredAt } = report;
  const bounds = new Map<string, number>();
  const story = () => report.lines.story();
  assert.ok(report.cuts >= FLAP_SECONDS / (CUT_EVERY_MS / 1000) * 0.6, `${name}: only ${report.cuts} breaks`);
  assert.equal(report.joins, report.cuts + 1, `${name}: the session came back after every break`);
  const outagesWithin = (from: number, to: number) => deaf.reduce((sum, [lost, back]) => sum + Math.max(0, Math.min(back, to) - Math.max(lost, from)), 0);
  for (const id of Object.keys(DEAD)) {
    const died = diedAt.get(id);
    const expired = expiredAt.get(`${ROOT}.${id}`);
    assert.ok(died !== undefined && expired !== undefined, `${name}: ${id} expired despite the flapping\n${story()}`);
    // Its last heartbeat was at most a beat (1 s) before it stopped: never expired before a timeout of silence.
    assert.ok(expired - died >= TIMEOUT - 1 - 0.05, `${name}: ${id} expired ${(expired - died).toFixed(2)} s after it stopped: too soon`);
    // Timeout + one reconnect: the first rejoin after its death gives it one more full timeout, of listening time.
    const rejoin = deaf.find(([, back]) => back >= died)?.[1] ?? died;
    const bound = rejoin - died + TIMEOUT + outagesWithin(rejoin, expired) + SLACK;
    bounds.set(id, bound);
    assert.ok(
      expired - died <= bound,
      `${name}: ${id} expired ${(expired - died).toFixed(2)} s after it stopped; bound ${bound.toFixed(2)} s ` +
        `(rejoin after ${(rejoin - died).toFixed(2)} s, outages since ${outagesWithin(rejoin, expired).toFixed(2)} s)\n${story()}`,
    );
  }
  const falselyExpired = LIVE.filter((id) => expiredAt.has(`${ROOT}.${id}`));
  assert.deepEqual(falselyExpired, [], `${name}: no living agent expired\n${story()}`);
  const took = Object.keys(DEAD).map((id) =>
    `${id} ${(expiredAt.get(`${ROOT}.${id}`)! - diedAt.get(id)!).toFixed(1)} s (bound ${bounds.get(id)!.toFixed(1)} s)`
  ).join(', ');
  const outages = deaf.map(([lost, back]) => back - lost).sort((a, b) => a - b);
  console.log(
    `link flaps ${name}: ${report.cuts} breaks in ${FLAP_SECONDS} s, ${report.joins} joins, outages median ` +
      `${(outages[outages.length >> 1] ?? 0).toFixed(2)} s, max ${(outages.at(-1) ?? 0).toFixed(2)} s; dead expired after ${took} ` +
      `(timeout ${TIMEOUT} s)`,
  );
}

describe(`link flaps over the real wire: the registry's router link broken every 2 s for ${FLAP_SECONDS} s`, { timeout: (FLAP_SECONDS + 120) * 1000 }, () => {
  const routers: RouterUnderTest[] = [];
  const crossbarSkip = skipWithoutCrossbar();

  before(async () => {
    const endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
    routers.push({ name: 'simulator', wsUrl: endpoint.wsUrl, close: () => endpoint.close() });
    if (!crossbarSkip) {
      const crossbar = await startCrossbar();
      routers.push({ name: 'crossbar', wsUrl: crossbar.wsUrl, close: () => crossbar.close() });
    }
  });

  after(async () => {
    for (const router of routers) await router.close();
  });

  it('through crossbar and the simulator at once: the dead expire within timeout + one reconnect, the living never, the session always comes back', async () => {
    // Side by side: one minute of wall time for both routers.
    const reports = await Promise.all(routers.map((router) => flap(router)));
    routers.forEach((router, i) => check(router.name, reports[i] as FlapReport));
  });
});
