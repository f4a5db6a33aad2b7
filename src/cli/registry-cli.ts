// `ocs-registry`: the Registry Agent as a program. It takes the Python
// registry's arguments and site config, joins a router (or, with --sim, the
// embedded simulator with fake agents), and runs until SIGINT/SIGTERM.

import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, HelpRequested, loadRegistryConfig, type RegistryConfig } from '../config/index.ts';
import { AgentJoinError } from '../agent/index.ts';
import { RegistryAgent } from '../registry/registry-agent.ts';
import { systemClock } from '../runtime/system-clock.ts';
import * as host from '../runtime/process.ts';
import { WampPeer } from '../wamp/peer.ts';
import type { WampSession } from '../wamp/session.ts';
import { WebSocketTransport } from '../wamp/websocket-transport.ts';
import { Router } from '../../sim/router/index.ts';
import { DemoNetwork } from '../../sim/swarm/demo.ts';

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

  let demo: DemoNetwork | null = null;
  let session: WampSession;
  try {
    if (config.sim.enabled) {
      const router = new Router({ realms: [config.realm] });
      session = await router.connect(config.realm);
      demo = new DemoNetwork({ agents: config.sim.agents, clock: systemClock, connect: () => router.connect(config.realm) });
      log(`Embedded simulator: realm "${config.realm}", ${config.sim.agents} fake agents`);
    } else {
      if (!config.hub) throw new Error('No router URL: give --site-hub or a site config, or run with --sim');
      log(`Connecting to ${config.hub}, realm "${config.realm}"`);
      session = await WampPeer.join(await WebSocketTransport.connect(config.hub), config.realm);
    }
    await registry.join(session);
  } catch (err) {
    // A second registry with the same address stops here with a clear message (Q20).
    const message = err instanceof AgentJoinError || err instanceof Error ? err.message : String(err);
    console.error(`ocs-registry: ${message}`);
    return 1;
  }
  log(`Registry Agent ${config.address} joined; tracking ${config.addressRoot}..feeds.heartbeat`);
  await demo?.start();

  // The one ref'd timer: it keeps the process alive (the in-process router holds no socket).
  const status = setInterval(() => log(statusLine(registry)), 10_000);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    session.onClose((reason) => {
      if (stopping) return;
      clearInterval(status);
      log(`Connection to the router closed: ${reason}`);
      resolve(1);
    });
    onSignal = async (signal) => {
      stopping = true;
      log(`${signal}: stopping`);
      clearInterval(status);
      demo?.stop();
      await registry.shutdown().catch(() => {});
      await session.leave('wamp.close.system_shutdown').catch(() => {});
      resolve(0);
    };
    if (signalled) onSignal(signalled);
  });
}

function statusLine(registry: RegistryAgent): string {
  const r = registry.registry;
  const rejected = Object.values(r.counters.rejected).reduce((a, b) => a + b, 0);
  return `agents: ${r.size - r.expiredCount} alive, ${r.expiredCount} expired | heartbeats ${r.counters.heartbeats}` +
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
