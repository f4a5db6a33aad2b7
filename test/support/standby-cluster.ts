// Registries with --standby as real processes on one router (crossbar or the
// simulator's endpoint), fake agents and an agent_operations subscriber in
// this process, for the failover test and benchmark (issue 13). Watches:
// each registry's role and agent_operations count (GET /api/status every
// 25 ms), every agent_operations event (a 7 is a false expiry: the agents
// never stop), and the longest gap in the feed.

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
      const fields = (args[0] as [Record<string, { data: Record<string, number[]> }>])[0];
      for (const block of Object.values(fields)) for (const values of Object.values(block.data)) if (values[0] === 7) this.falseExpiries++;
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
