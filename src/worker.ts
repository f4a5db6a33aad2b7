/**
 * The whole registry as an edge worker: `export default { fetch }`, which
 * `deno serve -A src/worker.ts` and `bun src/worker.ts` serve by themselves.
 * It is configured from the environment alone, like the OCS container:
 *
 * - `SITE_HUB` (the router's WebSocket URL), `SITE_HTTP`, `SITE_REALM`,
 *   `ADDRESS_ROOT`, `INSTANCE_ID`, `AGENT_TIMEOUT`, `CROSSBAR_TIMEOUT`,
 *   `OCS_REGISTRY_HTTP_TOKEN`;
 * - or `OCS_CONFIG_DIR` (and `SITE`, `SITE_HOST`): the site config
 *   `$OCS_CONFIG_DIR/${SITE:-default}.yaml`, the one thing read from a file;
 * - `OCS_REGISTRY_SIM=1`: the embedded simulator with fake agents.
 *
 * Without a site config the realm, address root and instance id default to
 * `test_realm`, `observatory` and `registry`, as in OCS's example site config.
 *
 * It serves the API, the event stream, the metrics and the page. Nothing on
 * its path uses a `node:` API or the file system unless OCS_CONFIG_DIR is set.
 *
 * @module
 */

import { HelpRequested, loadRegistryConfig, SIM_DEFAULTS, UsageError } from './config/index.ts';
import { onWorkerSignal, workerEnvironment, workerHostname, workerPid } from './runtime/worker-host.ts';
import { systemClock } from './runtime/system-clock.ts';
import { BUN_IDLE_TIMEOUT_SECONDS } from './runtime/idle-timeout.ts';
import { RegistryService } from './service/registry-service.ts';

/** Environment variables of the worker and the flags they stand for. */
export const WORKER_ENVIRONMENT: Readonly<Record<string, string>> = {
  SITE: '--site',
  SITE_REALM: '--site-realm',
  ADDRESS_ROOT: '--address-root',
  AGENT_TIMEOUT: '--agent-timeout',
  WAIT_TIME: '--wait-time',
  MAX_AGENTS: '--max-agents',
};

/** The registry's arguments from the environment (SITE_HUB and the other ocs-agent-cli variables are read by the config itself). */
export function workerArguments(env: Readonly<Record<string, string | undefined>>): string[] {
  const argv: string[] = [];
  for (const [name, flag] of Object.entries(WORKER_ENVIRONMENT)) {
    const value = env[name];
    if (value !== undefined && value !== '') argv.push(`${flag}=${value}`);
  }
  if (!env.OCS_CONFIG_DIR && !env.SITE) {
    // No site config: what OCS's example site config uses, unless the environment says otherwise.
    argv.push('--site=none');
    if (!env.SITE_REALM) argv.push(`--site-realm=${SIM_DEFAULTS.realm}`);
    if (!env.ADDRESS_ROOT) argv.push(`--address-root=${SIM_DEFAULTS.addressRoot}`);
    if (!env.INSTANCE_ID) argv.push(`--instance-id=${SIM_DEFAULTS.instanceId}`);
  }
  if (env.OCS_REGISTRY_SIM === '1' || env.OCS_REGISTRY_SIM === 'true') argv.push('--sim');
  return argv;
}

/** Start the registry service the worker serves. Throws UsageError for a bad environment. */
export async function startWorkerService(env: Readonly<Record<string, string | undefined>> = workerEnvironment()): Promise<RegistryService> {
  const hostname = workerHostname(env);
  let readFile = (path: string): string => {
    throw new UsageError(`Cannot read "${path}": no file reader`);
  };
  if (env.OCS_CONFIG_DIR || env.SITE) {
    // Only here, and only then: the site config file.
    const fs = await import('node:fs');
    readFile = (path) => fs.readFileSync(path, 'utf8');
  }
  let config;
  try {
    config = loadRegistryConfig(workerArguments(env), env, { hostname, readFile });
  } catch (err) {
    if (err instanceof HelpRequested) throw new UsageError('No --help in the worker');
    throw err;
  }
  const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);
  const service = new RegistryService(config, { clock: systemClock, hostname, pid: workerPid(), log, http: true });
  service.start().then((first) => {
    if (!first.joined) log(`ocs-registry worker: ${first.message}; serving 503 from /readyz`);
  });
  return service;
}

const service = await startWorkerService();
const app = service.app!;
// The runtime's server stops on the signal too; the registry says goodbye to the router first.
onWorkerSignal(async (signal) => {
  console.error(`${new Date().toISOString()} ${signal}: stopping`);
  await service.stop();
});

/** The worker: `fetch` for every runtime; `idleTimeout` for Bun, whose 10 s default would end the event streams between keep-alives. */
const worker: { fetch(request: Request): Response | Promise<Response>; idleTimeout: number } = {
  fetch: (request) => app.fetch(request),
  idleTimeout: BUN_IDLE_TIMEOUT_SECONDS,
};

export default worker;
