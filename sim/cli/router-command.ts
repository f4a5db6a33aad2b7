// `ocs-sim router`: start the endpoint, print its URLs, serve until a
// shutdown signal, then say GOODBYE to every session and exit 0 within 2 s.

import { parseCrossbarConfig, type SimEndpoint, startEndpoint } from '../endpoint/index.ts';
import { type ControlServer, startControl } from '../endpoint/control.ts';
import { parseRouterArgs, ROUTER_HELP } from './args.ts';
import { type SimCluster, startCluster } from '../cluster/cluster.ts';

/** What the command needs from its process; tests pass fakes. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
  /** Call the handler once on the first SIGINT/SIGTERM. */
  onShutdown(handler: (signal: string) => void): void;
}

const SHUTDOWN_LIMIT_MS = 2000;

/** Throws UsageError for bad flags; resolves with the exit code after shutdown. */
export async function routerCommand(argv: readonly string[], io: CommandIo, started?: (endpoint: SimEndpoint) => void): Promise<number> {
  const args = parseRouterArgs(argv);
  if (args.help) {
    io.out(ROUTER_HELP);
    return 0;
  }
  let config;
  if (args.config !== undefined) {
    let text: string;
    try {
      text = io.readFile(args.config);
    } catch (error) {
      io.err(`ocs-sim: cannot read config "${args.config}": ${(error as Error).message}`);
      return 2;
    }
    config = parseCrossbarConfig(text);
  }
  const endpointOptions = {
    config,
    host: args.host,
    port: args.port ?? (config ? undefined : 8001),
    path: args.path,
    realm: args.realm,
    maxMessageBytes: args.maxMessageBytes,
    maxSendBufferBytes: args.maxSendBufferBytes,
  };
  let cluster: SimCluster | undefined;
  if (args.proxies > 0) {
    cluster = await startCluster({ ...endpointOptions, proxies: args.proxies, extraHosts: args.extraHosts, proxyRuntime: args.proxyRuntime, log: io.err });
  }
  const endpoint = cluster?.endpoint ?? await startEndpoint(endpointOptions);
  const served = cluster ?? endpoint;
  io.out(`ocs-sim router listening on ${served.url} (realms: ${endpoint.router.realmNames.join(', ')})`);
  for (const path of served.paths) io.out(`  ${path.type.padEnd(9)} ${path.url}${'role' in path ? `  (role ${path.role})` : ''}`);
  if (cluster) {
    io.out(`  proxies   ${cluster.proxies.map((p) => p.pid).join(', ')}  (pids; the router process serves ${endpoint.url} and links at ${cluster.link.url})`);
    if (args.extraHosts.length > 0) io.out(`  also on   ${args.extraHosts.map((h) => `${h}:${cluster!.port}`).join(', ')}`);
  }
  let control: ControlServer | undefined;
  if (args.controlPort !== undefined) {
    try {
      control = await startControl(endpoint, { port: args.controlPort, host: args.host });
    } catch (error) {
      await (cluster ?? endpoint).close();
      throw error;
    }
    io.out(`  control   ${control.url}  (control API, CONTROL.md)`);
  }
  started?.(endpoint);

  const signal = await new Promise<string>((resolve) => io.onShutdown(resolve));
  io.out(`ocs-sim router: ${signal}, closing ${endpoint.stats.connectionsOpen} connection(s)`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHUTDOWN_LIMIT_MS)));
  const closed = Promise.all([(cluster ?? endpoint).close(), control?.close()]).then(() => 'done' as const);
  const outcome = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (outcome === 'late') io.err(`ocs-sim router: connections still open after ${SHUTDOWN_LIMIT_MS} ms; exiting anyway`);
  if (cluster) {
    const c = cluster.link.counts;
    const per = (records: number, batches: number) => (batches > 0 ? (records / batches).toFixed(1) : '0');
    io.out(
      `ocs-sim router: proxy links carried ${c.recordsIn} frames in ${c.batchesIn} batches in (${per(c.recordsIn, c.batchesIn)} per batch),` +
        ` ${c.recordsOut} in ${c.batchesOut} out (${per(c.recordsOut, c.batchesOut)})`,
    );
  }
  return 0;
}
