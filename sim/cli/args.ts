// Flags of `ocs-sim router`. Strict: an unknown flag or a bad value is a
// UsageError (the program prints one line and exits 2).

import { UsageError } from '../../src/config/errors.ts';

export interface RouterArgs {
  host: string;
  port: number | undefined;
  path: string | undefined;
  realm: string | undefined;
  config: string | undefined;
  maxMessageBytes: number | undefined;
  help: boolean;
}

const VALUE_FLAGS = new Set(['--host', '--port', '--path', '--realm', '--config', '--max-message-bytes']);

export function parseRouterArgs(argv: readonly string[]): RouterArgs {
  const args: RouterArgs = {
    host: '127.0.0.1',
    port: undefined,
    path: undefined,
    realm: undefined,
    config: undefined,
    maxMessageBytes: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown argument "${arg}" (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    switch (flag) {
      case '--host':
        args.host = value;
        break;
      case '--port':
        args.port = integer(flag, value, 0, 65535);
        break;
      case '--path':
        if (!value.startsWith('/')) throw new UsageError(`--path must start with "/", not "${value}"`);
        args.path = value;
        break;
      case '--realm':
        args.realm = value;
        break;
      case '--config':
        args.config = value;
        break;
      case '--max-message-bytes':
        args.maxMessageBytes = integer(flag, value, 1024, 2 ** 31);
        break;
    }
  }
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
(wamp.2.json, wamp.2.msgpack and their .batched variants) plus crossbar's
HTTP bridge (POST /call, POST /publish) and GET /info.

Options:
  --host HOST               interface to listen on (default 127.0.0.1)
  --port PORT               port (default 8001, or the config's; 0 = any free port)
  --path PATH               WebSocket path (default /ws; without --config)
  --realm REALM             realm (default test_realm; without --config)
  --config FILE             a crossbar config.json: realms, role permissions, paths
  --max-message-bytes N     largest WebSocket message (default 16777216)
  -h, --help                show this help

Stops cleanly on SIGINT or SIGTERM.`;
