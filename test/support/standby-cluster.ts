// Registries with --standby as real processes on one router (crossbar or the
// simulator's endpoint), fake agents and an agent_operations subscriber in
// this process, for the failover test and benchmark (issue 13). Watches:
// each registry's role, leader-since and agent_operations count (GET
// /api/status every 25 ms), every agent_operations event (a 7 is a false
// expiry: the agents never stop; its arrival and its block's timestamp, for
// the feed gap of a fault), and the longest gap in the feed.

import process from 'node:process';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { type Program, runProgram } from './spawn-cli.ts';
import { LinkProxy } from './link-proxy.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;
const ADDRESS = 'observatory.registry';
const POLL_MS = 25;

export class RegistryProcess {
  readonly program: Program;
  readonly name: string;
  url = '';
  role = 'starting';
  /** When it took its current role, on its own clock (Unix seconds; the machine's wall clock). */
  since = Number.NaN;
  published = 0;
  stopped = false;
  proxy: LinkProxy | null = null;

  constructor(name: string, wsUrl: string) {
    this.name = name;
    this.program = runProgram(BIN, [
      '--standby',
      '--site',
      'none',
      '--site-hub',
      wsUrl,
      '--site-realm',
      'test_realm',
      '--address-root',
      'observatory',
      '--instance-id',
      'registry',
      '--http-port',
      '0',
      '--wait-time',
      '2',
      '--state-file',
      'none',
      '--crossbar-timeout',
      '0',
    ]);
  }

  async ready(): Promise<void> {
    const line = await this.program.waitFor(/Operation monitor: http:\/\/127\.0\.0\.1:\d+\//, 60_000);
    this.url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
  }

  async poll(): Promise<void> {
    if (this.stopped || !this.url) return;
    try {
      const s = await (await fetch(`${this.url}/api/status`, { signal: AbortSignal.timeout(300) })).json();
      this.role = s.leadership.role;
      this.since = s.leadership.since;
      this.published = s.agent_operations_published;
    } catch {
      // stopped, or busy: keep the last reading
    }
  }

  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGINT'): void {
    this.stopped = signal === 'SIGKILL' || signal === 'SIGSTOP';
    if (signal === 'SIGCONT') this.stopped = false;
    // process.kill, not child.kill: Deno's child.kill does not deliver SIGCONT.
    process.kill(this.program.child.pid as number, signal);
  }
}

export interface Scenario {
  takeoverSeconds: number;
}

export class StandbyCluster {
  readonly wsUrl: string;
  readonly port: number;
  readonly registries: RegistryProcess[] = [];
  readonly #sessions: WampSession[] = [];
  readonly #agents: FakeDataAgent[] = [];
  #polling: ReturnType<typeof setInterval> | null = null;
  #lastEvent = Number.NaN;
  /** Every agent_operations event: when it arrived here and its block's timestamp (both Unix seconds, wall clock). */
  readonly #arrivals: { at: number; stamp: number }[] = [];
  #count = 0;
  /** agent_operations events with code 7 (every agent beats throughout). */
  falseExpiries = 0;
  /** Polls in which two registries' agent_operations counts both grew. */
  doublePublishing = 0;
  longestGap = 0;
  events = 0;
  /** Longest stall of this process's event loop (s): the fake agents here beat late by as much. */
  agentStall = 0;
  #stallTimer: ReturnType<typeof setInterval> | null = null;

  constructor(wsUrl: string, port: number) {
    this.wsUrl = wsUrl;
    this.port = port;
  }

  async start(agents: number): Promise<void> {
    const client = await this.#join();
    await client.subscribe(`${ADDRESS}.feeds.agent_operations`, (args) => {
      const now = performance.now() / 1000;
      if (this.#lastEvent === this.#lastEvent) this.longestGap = Math.max(this.longestGap, now - this.#lastEvent);
      this.#lastEvent = now;
      this.events++;
      const fields = (args[0] as [Record<string, { data: Record<string, number[]>; timestamps: number[] }>])[0];
      for (const block of Object.values(fields)) {
        this.#arrivals.push({ at: Date.now() / 1000, stamp: block.timestamps[0] as number });
        for (const values of Object.values(block.data)) if (values[0] === 7) this.falseExpiries++;
      }
    });
    for (let i = 1; i <= agents; i++) {
      const fake = new FakeDataAgent({ address: `observatory.agent${i}`, clock: systemClock });
      await fake.agent.join(await this.#join());
      this.#agents.push(fake);
    }
    this.#polling = setInterval(() => void this.#poll(), POLL_MS);
    let last = performance.now();
    this.#stallTimer = setInterval(() => {
      const now = performance.now();
      this.agentStall = Math.max(this.agentStall, (now - last) / 1000 - 0.1);
      last = now;
    }, 100);
  }

  /** A new registry process; with `proxied`, its router link goes through a LinkProxy. */
  async addRegistry(proxied = false): Promise<RegistryProcess> {
    const proxy = proxied ? await LinkProxy.start(this.port) : null;
    const url = proxy ? this.wsUrl.replace(`:${this.port}/`, `:${proxy.port}/`) : this.wsUrl;
    const registry = new RegistryProcess(`registry${this.#count++}`, url);
    registry.proxy = proxy;
    this.registries.push(registry);
    await registry.ready();
    return registry;
  }

  /** The moment of a fault (call just before it), on the wall clock the registries stamp their events with. */
  fault(): number {
    return Date.now() / 1000;
  }

  /**
   * The feed's gap across a fault at `faultAt` that `leader` took over from:
   * from the fault to the arrival here of the first event `leader` published
   * as leader (stamped at or after its leader-since; the old leader's, stamped
   * before the fault, or dropped with a cut link, do not count). NaN if none came.
   * Counted from the fault, not from the old leader's last event: before the
   * fault the feed has its usual spacing (--wait-time over the agents), with
   * or without a standby; what a failover adds is the silence after it.
   */
  feedGap(faultAt: number, leader: RegistryProcess): number {
    const first = this.#arrivals.find((e) => e.at >= faultAt && e.stamp >= leader.since - 0.001);
    return first === undefined ? Number.NaN : first.at - faultAt;
  }

  /** Each registry's leadership, stall, router and expiry lines: what to read when an assertion fails. */
  story(): string {
    const pattern = /Leadership|stalled|Lost the router|agent expired|router connection/;
    return this.registries.map((r) => `--- ${r.name}\n${r.program.output().split('\n').filter((l) => pattern.test(l)).join('\n')}`).join('\n');
  }

  live(): RegistryProcess[] {
    return this.registries.filter((r) => !r.stopped);
  }

  leaders(): RegistryProcess[] {
    return this.registries.filter((r) => !r.stopped && r.role === 'leader');
  }

  /** Resolves with the seconds until `done()` holds (checked every poll), or rejects after `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<number> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) return resolve((performance.now() - start) / 1000);
        if (performance.now() - start > timeoutMs) return reject(new Error(`Timed out waiting for ${what}`));
        setTimeout(check, POLL_MS);
      };
      check();
    });
  }

  /** Let `ms` pass while polling goes on (a bounded observation window, not a synchronisation). */
  observe(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async #poll(): Promise<void> {
    const live = this.live();
    const before = live.map((r) => r.published);
    await Promise.all(live.map((r) => r.poll()));
    const grew = live.filter((r, i) => r.published > (before[i] as number)).length;
    if (grew > 1) this.doublePublishing++;
  }

  async #join(): Promise<WampSession> {
    const session = await WampPeer.join(await WebSocketTransport.connect(this.wsUrl), 'test_realm');
    this.#sessions.push(session);
    return session;
  }

  async close(): Promise<void> {
    if (this.#polling) clearInterval(this.#polling);
    if (this.#stallTimer) clearInterval(this.#stallTimer);
    for (const r of this.registries) {
      if (r.program.child.exitCode === null && r.program.child.signalCode === null) {
        try {
          process.kill(r.program.child.pid as number, 'SIGCONT');
          process.kill(r.program.child.pid as number, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await r.program.exited;
      await r.proxy?.close();
    }
    for (const fake of this.#agents) fake.agent.stopAllSessions();
    for (const session of this.#sessions) await session.leave().catch(() => {});
  }
}
