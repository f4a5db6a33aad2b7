// Flags of `ocs-sim router`, read by parseArgs (./flags.ts). Strict: an
// unknown flag or a bad value is a UsageError (one line, exit 2).

import { UsageError } from '../../src/config/errors.ts';
import { type FlagSpec, parseFlags } from './flags.ts';
import { PROXY_RUNTIMES, type ProxyRuntime } from '../cluster/spawn.ts';

export interface RouterArgs {
  host: string;
  port: number | undefined;
  path: string | undefined;
  realm: string | undefined;
  config: string | undefined;
  maxMessageBytes: number | undefined;
  /** Serve the control API (CONTROL.md) on this port; undefined: none. */
  controlPort: number | undefined;
  maxSendBufferBytes: number | undefined;
  /** Spread over this many proxy processes (0: one process). */
  proxies: number;
  /** With proxies: more addresses to listen on, same port. */
  extraHosts: string[];
  /** With proxies: the runtime they run on (default: this process's). */
  proxyRuntime: ProxyRuntime | undefined;
  help: boolean;
}

const ROUTER_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', short: 'h' },
  host: { type: 'string' },
  port: { type: 'string' },
  path: { type: 'string' },
  realm: { type: 'string' },
  config: { type: 'string' },
  'max-message-bytes': { type: 'string' },
  'control-port': { type: 'string' },
  'max-send-buffer-bytes': { type: 'string' },
  proxies: { type: 'string' },
  'extra-hosts': { type: 'string' },
  'proxy-runtime': { type: 'string' },
};

export function parseRouterArgs(argv: readonly string[]): RouterArgs {
  const flags = parseFlags(argv, ROUTER_FLAGS, 'ocs-sim router');
  const text = (flag: string) => {
    const value = flags.get(flag);
    return typeof value === 'string' ? value : undefined;
  };
  const port = text('--port');
  const path = text('--path');
  const bytes = text('--max-message-bytes');
  const controlPort = text('--control-port');
  const sendBuffer = text('--max-send-buffer-bytes');
  const proxies = text('--proxies');
  const proxyRuntime = text('--proxy-runtime');
  if (proxyRuntime !== undefined && !PROXY_RUNTIMES.includes(proxyRuntime as ProxyRuntime)) {
    throw new UsageError(`--proxy-runtime must be one of ${PROXY_RUNTIMES.join(', ')}, not "${proxyRuntime}"`);
  }
  if (path !== undefined && !path.startsWith('/')) throw new UsageError(`--path must start with "/", not "${path}"`);
  const args: RouterArgs = {
    host: text('--host') ?? '127.0.0.1',
    port: port === undefined ? undefined : integer('--port', port, 0, 65535),
    path,
    realm: text('--realm'),
    config: text('--config'),
    maxMessageBytes: bytes === undefined ? undefined : integer('--max-message-bytes', bytes, 1024, 2 ** 31),
    controlPort: controlPort === undefined ? undefined : integer('--control-port', controlPort, 0, 65535),
    maxSendBufferBytes: sendBuffer === undefined ? undefined : integer('--max-send-buffer-bytes', sendBuffer, 1024, 2 ** 31),
    proxies: proxies === undefined ? 0 : integer('--proxies', proxies, 0, 64),
    extraHosts: text('--extra-hosts')?.split(',').map((h) => h.trim()).filter((h) => h !== '') ?? [],
    proxyRuntime: proxyRuntime as ProxyRuntime | undefined,
    help: flags.has('--help'),
  };
  if (args.extraHosts.length > 0 && args.proxies === 0) throw new UsageError('--extra-hosts needs --proxies');
  if (args.proxyRuntime !== undefined && args.proxies === 0) throw new UsageError('--proxy-runtime needs --proxies');
  if (args.config !== undefined && (args.path !== undefined || args.realm !== undefined)) {
    throw new UsageError('--path and --realm apply only without --config (the config names its paths and realms)');
  }
  return args;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

export const ROUTER_HELP = `Usage: ocs-sim router [options]

Run the crossbar simulator as a network service: WAMP over WebSocket
(wamp.2.json, wamp.2.msgpack, wamp.2.cbor and their .batched variants) plus crossbar's
HTTP bridge (POST /call, POST /publish) and GET /info.

Options:
  --host HOST               interface to listen on (default 127.0.0.1)
  --port PORT               port (default 8001, or the config's; 0 = any free port)
  --path PATH               WebSocket path (default /ws; without --config)
  --realm REALM             realm (default test_realm; without --config)
  --config FILE             a crossbar config.json: realms, role permissions, paths
  --max-message-bytes N     largest WebSocket message (default 16777216)
  --control-port PORT       serve the control API on this port (restart, kill, pause,
                            drop or partition an agent; see sim/endpoint/CONTROL.md)
  --max-send-buffer-bytes N most bytes queued for a connection that does not read
                            (default 8388608); past it the connection is closed
  --proxies N               spread the router over processes, as crossbar's proxy
                            workers: N proxy processes share the port (SO_REUSEPORT)
                            and carry their clients' WebSockets, batched, over one
                            link each to this process, which keeps the realms
                            (default 0: one process; one process can hold about as
                            many connections as its open-files limit)
  --extra-hosts LIST        with --proxies: also listen on these addresses, same port
                            (e.g. 127.0.0.2,127.0.0.3: one client host reaches one
                            address and port with at most ~28k connections, its
                            ephemeral ports)
  --proxy-runtime NAME      with --proxies: run them on bun, node or deno (found on
                            PATH; default: the runtime running this router)
  -h, --help                show this help

Stops cleanly on SIGINT or SIGTERM.`;
