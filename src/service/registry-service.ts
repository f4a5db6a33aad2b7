// The registry as a running service: the Registry Agent joined to its router
// (a real one over WebSocket, or with --sim the embedded simulator and its
// fake agents), kept joined by a Reconnector, with its HTTP app. Shared by the
// `ocs-registry` program (src/cli/registry-cli.ts) and the edge worker
// (src/worker.ts); it touches no file, signal or `node:` API, so both the
// process and the worker shape can run it. The caller serves `app`.

import type { Clock } from '../core/clock.ts';
import { VERSION } from '../core/version.ts';
import type { RegistryConfig } from '../config/registry-config.ts';
import { RegistryAgent } from '../registry/registry-agent.ts';
import { joinErrorIsFatal } from '../registry/join-policy.ts';
import { WampPeer } from '../wamp/peer.ts';
import type { WampSession } from '../wamp/session.ts';
import { WebSocketTransport } from '../wamp/websocket-transport.ts';
import { parseSerializerList } from '../wamp/serializers/index.ts';
import type { PayloadExceededError } from '../wamp/transport.ts';
import { Reconnector } from '../wamp/reconnect.ts';
import { createHttpApp, type HttpApp } from '../http/index.ts';
import { readExpectedAgents } from '../config/expected-agents.ts';
import { logText } from '../core/index.ts';

export interface RegistryServiceDeps {
  readonly clock: Clock;
  /** Reported in the registry's session data, as Python does. */
  readonly hostname: string;
  readonly pid: number;
  /** One line per event worth logging (start, joins, losses, status). */
  readonly log: (line: string) => void;
  /** Build the HTTP app even when config.httpApi.port is null (the worker serves it itself). */
  readonly http?: boolean;
  /** Reads the site config again for the agents it expects (with --site none, or without this, nothing is expected). */
  readonly readFile?: (path: string) => string;
  /** Seconds between status lines; 0: none (and no timer keeps a process alive). Default 10. */
  readonly statusEverySeconds?: number;
}

/** How the first join ended: joined, or why not (the program exits 1, or 2 for usage). */
export type FirstJoin = { readonly joined: true } | { readonly joined: false; readonly usage: boolean; readonly message: string };

export class RegistryService {
  readonly config: RegistryConfig;
  readonly agent: RegistryAgent;
  /** The HTTP API, events, metrics and page; null when not asked for. */
  readonly app: HttpApp | null;
  /** Resolves when the router is given up on (--crossbar-timeout); the service is stopped by then. */
  readonly gaveUp: Promise<void>;
  readonly #deps: RegistryServiceDeps;
  #connection: Reconnector | null = null;
  #demo: { start(): Promise<void>; stop(): void } | null = null;
  #status: ReturnType<typeof setInterval> | null = null;
  #resolveGaveUp: () => void = () => {};
  #stopped: Promise<void> | null = null;
  #cancelReread: (() => void) | null = null;
  #missing = new Set<string>();

  constructor(config: RegistryConfig, deps: RegistryServiceDeps) {
    this.config = config;
    this.#deps = deps;
    this.agent = new RegistryAgent({
      address: config.address,
      addressRoot: config.addressRoot,
      clock: deps.clock,
      hostname: deps.hostname,
      pid: deps.pid,
      waitTime: config.waitTime,
      agentTimeout: config.agentTimeout,
      maxAgents: config.maxAgents,
      liveness: config.liveness,
      standby: config.standby,
      log: deps.log,
    });
    const { token, corsOrigins } = config.httpApi;
    this.app = deps.http || config.httpApi.port !== null
      ? createHttpApp({
        registryAgent: this.agent,
        clock: deps.clock,
        token,
        corsOrigins: corsOrigins.length ? corsOrigins : null,
        version: VERSION,
      })
      : null;
    this.gaveUp = new Promise((resolve) => (this.#resolveGaveUp = resolve));
    this.reloadExpected(false);
  }

  /**
   * Read the site config's agent-instances again (at start, on SIGHUP, and
   * every --site-reread seconds): the agents expected, hence missing and
   * unexpected. A file that cannot be read keeps the previous list.
   */
  reloadExpected(logMissing = true): void {
    const { siteFile, addressRoot } = this.config;
    const readFile = this.#deps.readFile;
    const expected = this.agent.expected;
    const now = this.#deps.clock.now();
    if (siteFile === null || readFile === undefined) {
      expected.set([], null, now);
      return;
    }
    try {
      const read = readExpectedAgents(siteFile, addressRoot, readFile);
      for (const warning of read.warnings) this.#deps.log(`site config: ${warning}`);
      expected.set(read.agents, siteFile, now);
    } catch (err) {
      this.#deps.log(`site config: cannot re-read ${logText(siteFile)} (${err instanceof Error ? err.message : String(err)}); keeping the last list`);
    }
    // Not at start: nothing has been heard yet.
    if (logMissing) this.#logMissing();
  }

  /** One line per agent that became missing since the last look, and per one no longer missing. */
  #logMissing(): void {
    const now = new Set(this.agent.expected.missing(this.agent.registry).map((a) => a.address));
    for (const address of now) if (!this.#missing.has(address)) this.#deps.log(`agent missing address=${logText(address)}`);
    for (const address of this.#missing) if (!now.has(address)) this.#deps.log(`agent no longer missing address=${logText(address)}`);
    this.#missing = now;
  }

  #scheduleReread(): void {
    const seconds = this.config.liveness.siteRereadSeconds;
    if (seconds <= 0 || this.config.siteFile === null || this.#stopped) return;
    this.#cancelReread = this.#deps.clock.after(seconds * 1000, () => {
      this.reloadExpected();
      this.#scheduleReread();
    });
  }

  /** Connect and join; resolves at the first join or when that cannot happen. */
  async start(): Promise<FirstJoin> {
    const { config } = this;
    const log = this.#deps.log;
    let connect: () => Promise<WampSession>;
    if (config.sim.enabled) {
      // Loaded only here: src/ never imports the simulator statically (layers run one way).
      const { Router } = await import('../../sim/router/index.ts');
      const { DemoNetwork } = await import('../../sim/swarm/demo.ts');
      const router = new Router({ realms: [config.realm] });
      connect = () => router.connect(config.realm);
      this.#demo = new DemoNetwork({ agents: config.sim.agents, clock: this.#deps.clock, connect });
      log(`Embedded simulator: realm "${config.realm}", ${config.sim.agents} fake agents`);
    } else {
      const hub = config.hub;
      if (!hub) return { joined: false, usage: true, message: 'No router URL: give --site-hub or a site config, or run with --sim' };
      log(`Connecting to ${hub}, realm "${config.realm}"`);
      const onBadFrame = (reason: string, detail: string) => this.agent.badFrame(reason, detail);
      const maxMessageBytes = config.maxMessageSize;
      // A reply the router would refuse fails alone, with a pointer to where the data can be read.
      const onResultTooBig = (procedure: string, error: PayloadExceededError) => this.agent.resultTooBig(procedure, error.bytes, error.limit);
      const serializers = parseSerializerList(config.serializers.join(','));
      connect = async () =>
        WampPeer.join(await WebSocketTransport.connect(hub, { onBadFrame, maxMessageBytes, serializers }), config.realm, { onResultTooBig });
    }

    // Joined, rejoined after any loss, or given up after --crossbar-timeout (0: never).
    const connection = new Reconnector({
      connect,
      onJoin: async (session) => {
        await this.agent.join(session);
        log(`Registry Agent ${config.address} joined; tracking ${config.addressRoot}..feeds.heartbeat`);
      },
      clock: this.#deps.clock,
      giveUpAfterMs: config.crossbarTimeout * 1000,
      // A second registry at first start: exit (Python Q20); a ghost of our own on a rejoin: retry.
      isFatal: joinErrorIsFatal,
      log,
    });
    this.#connection = connection;
    // A ref'd timer: it keeps a process alive while retrying (all clock
    // timers are unref'd) and on the in-process router (which holds no socket).
    const every = this.#deps.statusEverySeconds ?? 10;
    if (every > 0) this.#status = setInterval(() => connection.state === 'joined' && log(this.statusLine()), every * 1000);
    connection.start();
    const first = await Promise.race([
      new Promise<'joined'>((resolve) => connection.onState((state) => state === 'joined' && resolve('joined'))),
      connection.finished,
    ]);
    if (first !== 'joined') {
      await this.stop();
      const message = first.error instanceof Error ? first.error.message : `no router at ${config.hub} within --crossbar-timeout`;
      return { joined: false, usage: false, message };
    }
    connection.finished.then(async (outcome) => {
      if (outcome.state !== 'gave_up') return;
      log('Giving up on the router (--crossbar-timeout): stopping');
      await this.stop();
      this.#resolveGaveUp();
    });
    await this.#demo?.start();
    this.#scheduleReread();
    const meta = this.agent.expected;
    log(meta.configured ? `Expected agents: ${meta.size} named in ${logText(meta.source ?? '')}` : 'Expected agents: none (no site config)');
    return { joined: true };
  }

  /** Leave the router, end the event streams and the timers. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      if (this.#status) clearInterval(this.#status);
      this.#cancelReread?.();
      this.#demo?.stop();
      await this.agent.shutdown().catch(() => {});
      await this.#connection?.stop();
      this.app?.close(); // ends the event streams, or a server would wait for them
    })();
    return this.#stopped;
  }

  statusLine(): string {
    const r = this.agent.registry;
    const rejected = Object.values(r.counters.rejected).reduce((a, b) => a + b, 0);
    return `router ${this.#connection?.state ?? 'not started'} | agents: ${r.size - r.expiredCount} alive, ${r.expiredCount} expired` +
      ` | heartbeats ${r.counters.heartbeats} | rejected ${rejected} | agent_operations events ${this.agent.operationsFeed.published}` +
      (this.agent.leadership ? ` | ${this.agent.leadership.role}, ${this.agent.leadership.takeovers} takeovers` : '');
  }
}
