// `ocs-registry`: the Registry Agent as a program. It takes the Python
// registry's arguments and site config, runs the registry service (joined to
// a router, or with --sim to the embedded simulator with fake agents), serves
// its HTTP app on --http-port, and runs until SIGINT/SIGTERM.

import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HelpRequested, loadRegistryConfig, type RegistryConfig, UsageError, wantsVersion } from '../config/index.ts';
import { VERSION } from '../core/version.ts';
import { systemClock } from '../runtime/system-clock.ts';
import * as host from '../runtime/process.ts';
import { serve } from '../runtime/serve.ts';
import { RegistryService } from '../service/registry-service.ts';
import { keepState, restoreState } from './keep-state.ts';

type Log = (line: string) => void;

export async function main(argv = host.argv()): Promise<number> {
  let config: RegistryConfig;
  try {
    if (wantsVersion(argv)) {
      console.log(`ocs-registry ${VERSION}`);
      return 0;
    }
    config = loadRegistryConfig(argv, host.environment(), { hostname: host.hostname(), readFile: host.readTextFile });
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.text);
      return 0;
    }
    if (err instanceof UsageError) {
      console.error(`ocs-registry: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const log = makeLog(config);
  for (const warning of config.warnings) log(`warning: ${warning}`);
  const service = new RegistryService(config, { clock: systemClock, hostname: host.hostname(), pid: host.pid(), log, readFile: host.readTextFile });
  host.onReloadSignal(() => {
    log('SIGHUP: re-reading the site config for the agents it expects');
    service.reloadExpected();
  });
  // The table as it was, before anything can ask `main` for it.
  if (config.stateFile) restoreState(config.stateFile, service.agent, log);
  const keeper = config.stateFile ? keepState(config.stateFile, service.agent, systemClock, log) : null;

  // Signals are caught from here on: one arriving while joining still stops cleanly.
  let signalled: string | null = null;
  let onSignal: (signal: string) => void = (signal) => {
    signalled = signal;
  };
  host.onShutdownSignal((signal) => onSignal(signal));

  const first = await service.start();
  if (!first.joined) {
    await keeper?.stop();
    console.error(`ocs-registry: ${first.message}`);
    return first.usage ? 2 : 1;
  }
  const http = service.app && config.httpApi.port !== null ? await startHttp(service, config, log) : null;

  return await new Promise<number>((resolve) => {
    service.gaveUp.then(() => keeper?.stop()).then(() => http?.close()).then(() => resolve(1));
    onSignal = async (signal) => {
      log(`${signal}: stopping`);
      await service.stop();
      await keeper?.stop();
      await http?.close();
      resolve(0);
    };
    if (signalled) onSignal(signalled);
  });
}

/** The HTTP API and the operation-monitor page, on --http-port. */
async function startHttp(service: RegistryService, config: RegistryConfig, log: Log): Promise<{ close(): Promise<void> }> {
  const app = service.app!;
  const server = await serve(app, { port: config.httpApi.port ?? 0, hostname: config.httpApi.host });
  log(`Operation monitor: ${server.url}/  (API ${server.url}/api/agents, metrics ${server.url}/metrics)`);
  return {
    async close() {
      app.close(); // ends the event streams, or the server would wait for them
      await server.close();
    },
  };
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
