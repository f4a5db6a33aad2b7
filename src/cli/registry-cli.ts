// `ocs-registry`: the Registry Agent as a program. It takes the Python
// registry's arguments and site config, joins a router (or, with --sim, the
// embedded simulator with fake agents), and runs until SIGINT/SIGTERM.

import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, HelpRequested, loadRegistryConfig, type RegistryConfig } from '../config/index.ts';
import { RegistryAgent } from '../registry/registry-agent.ts';
import { joinErrorIsFatal } from '../registry/join-policy.ts';
import { systemClock } from '../runtime/system-clock.ts';
import * as host from '../runtime/process.ts';
import { WampPeer } from '../wamp/peer.ts';
import type { WampSession } from '../wamp/session.ts';
import { WebSocketTransport } from '../wamp/websocket-transport.ts';
import { Reconnector } from '../wamp/reconnect.ts';
import { createHttpApp } from '../http/index.ts';
import { serve } from '../runtime/serve.ts';

type Log = (line: string) => void;

export async function main(argv = host.argv()): Promise<number> {
  let config: RegistryConfig;
  try {
    config = loadRegistryConfig(argv, host.environment(), { hostname: host.hostname(), readFile: host.readTextFile });
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.text);
      return 0;
    }
    if (err instanceof ConfigError) {
      console.error(`ocs-registry: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const log = makeLog(config);
  for (const warning of config.warnings) log(`warning: ${warning}`);

  const registry = new RegistryAgent({
    address: config.address,
    addressRoot: config.addressRoot,
    clock: systemClock,
    hostname: host.hostname(),
    pid: host.pid(),
    waitTime: config.waitTime,
    agentTimeout: config.agentTimeout,
    maxAgents: config.maxAgents,
    log,
  });

  // Signals are caught from here on: one arriving while joining still stops cleanly.
  let signalled: string | null = null;
  let onSignal: (signal: string) => void = (signal) => {
    signalled = signal;
  };
  host.onShutdownSignal((signal) => onSignal(signal));

  let demo: { start(): Promise<void>; stop(): void } | null = null;
  let connect: () => Promise<WampSession>;
  if (config.sim.enabled) {
    // Loaded only here: src/ never imports the simulator statically (layers run one way).
    const { Router } = await import('../../sim/router/index.ts');
    const { DemoNetwork } = await import('../../sim/swarm/demo.ts');
    const router = new Router({ realms: [config.realm] });
    const connectSim = () => router.connect(config.realm);
    connect = connectSim;
    demo = new DemoNetwork({ agents: config.sim.agents, clock: systemClock, connect: connectSim });
    log(`Embedded simulator: realm "${config.realm}", ${config.sim.agents} fake agents`);
  } else {
    const hub = config.hub;
    if (!hub) {
      console.error('ocs-registry: No router URL: give --site-hub or a site config, or run with --sim');
      return 2;
    }
    log(`Connecting to ${hub}, realm "${config.realm}"`);
    const onBadFrame = (reason: string, detail: string) => registry.badFrame(reason, detail);
    connect = async () => WampPeer.join(await WebSocketTransport.connect(hub, { onBadFrame }), config.realm);
  }

  // Joined, rejoined after any loss, or given up after --crossbar-timeout (0: never).
  const connection = new Reconnector({
    connect,
    onJoin: async (session) => {
      await registry.join(session);
      log(`Registry Agent ${config.address} joined; tracking ${config.addressRoot}..feeds.heartbeat`);
    },
    clock: systemClock,
    giveUpAfterMs: config.crossbarTimeout * 1000,
    // A second registry at first start: exit (Python Q20); a ghost of our own on a rejoin: retry.
    isFatal: joinErrorIsFatal,
    log,
  });
  // The one ref'd timer: it keeps the process alive while retrying (all clock
  // timers are unref'd) and on the in-process router (which holds no socket).
  const status = setInterval(() => connection.state === 'joined' && log(statusLine(registry, connection.state)), 10_000);
  connection.start();
  const first = await Promise.race([
    new Promise<'joined'>((resolve) => connection.onState((state) => state === 'joined' && resolve('joined'))),
    connection.finished,
  ]);
  if (first !== 'joined') {
    clearInterval(status);
    const error = first.error instanceof Error ? first.error.message : `no router at ${config.hub} within --crossbar-timeout`;
    console.error(`ocs-registry: ${error}`);
    return 1;
  }
  await demo?.start();
  const http = config.httpApi.port === null ? null : await startHttp(config, registry, log);

  return await new Promise<number>((resolve) => {
    connection.finished.then((outcome) => {
      if (outcome.state !== 'gave_up') return;
      clearInterval(status);
      log('Giving up on the router (--crossbar-timeout): stopping');
      registry.shutdown().then(() => http?.close()).finally(() => resolve(1));
    });
    onSignal = async (signal) => {
      log(`${signal}: stopping`);
      clearInterval(status);
      demo?.stop();
      await registry.shutdown().catch(() => {});
      await connection.stop();
      await http?.close();
      resolve(0);
    };
    if (signalled) onSignal(signalled);
  });
}

/** The HTTP API and the operation-monitor page, on --http-port. */
async function startHttp(config: RegistryConfig, registry: RegistryAgent, log: Log): Promise<{ close(): Promise<void> }> {
  const { port, host, token, corsOrigins } = config.httpApi;
  const app = createHttpApp({ registryAgent: registry, clock: systemClock, token, corsOrigins: corsOrigins.length ? corsOrigins : null });
  const server = await serve(app, { port: port ?? 0, hostname: host });
  log(`Operation monitor: ${server.url}/  (API ${server.url}/api/agents, metrics ${server.url}/metrics)`);
  return {
    async close() {
      app.close(); // ends the event streams, or the server would wait for them
      await server.close();
    },
  };
}

function statusLine(registry: RegistryAgent, connection: string): string {
  const r = registry.registry;
  const rejected = Object.values(r.counters.rejected).reduce((a, b) => a + b, 0);
  return `router ${connection} | agents: ${r.size - r.expiredCount} alive, ${r.expiredCount} expired | heartbeats ${r.counters.heartbeats}` +
    ` | rejected ${rejected} | agent_operations events ${registry.operationsFeed.published}`;
}

/** Log lines with a timestamp to stderr and, like Python, to {log_dir}/{address}.log when that directory exists. */
function makeLog(config: RegistryConfig): Log {
  const dir = config.logDir && config.workingDir && !config.logDir.startsWith('/') ? join(config.workingDir, config.logDir) : config.logDir;
  const file = dir && existsSync(dir) ? join(dir, `${config.address}.log`) : null;
  return (line) => {
    const text = `${new Date().toISOString()} ${line}`;
    console.error(text);
    if (file) {
      try {
        appendFileSync(file, `${text}\n`);
      } catch {
        // a full or vanished disk must not stop the registry
      }
    }
  };
}
