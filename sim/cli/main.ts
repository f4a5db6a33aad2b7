// `ocs-sim`: the crossbar simulator's command line. Subcommands: `router`
// (the simulator as a network service), `swarm` (fake agents for load tests)
// and `registry` (the ocs-registry program, so one executable carries both).

import { UsageError } from '../../src/config/errors.ts';
import { VERSION } from '../../src/core/version.ts';
import { type CommandIo, routerCommand } from './router-command.ts';
import { swarmMain } from '../swarm/cli.ts';

export const USAGE = `Usage: ocs-sim <command> [options]

Commands:
  router    serve the crossbar simulator over WebSocket and HTTP (see ocs-sim router --help)
  swarm     run many fake OCS agents and check a registry's view (see ocs-sim swarm --help)
  registry  the TypeScript OCS Registry Agent (ocs-registry, see ocs-sim registry --help),
            so that one executable serves the pytest plugin's router and registry

Options:
  -h, --help    show this help
  --version     print the version`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'router':
        return await routerCommand(rest, io);
      case 'swarm':
        return await swarmMain(rest);
      case 'proxy': {
        // Started by `router --proxies N`, one per proxy process.
        const { proxyCommand } = await import('../cluster/proxy-command.ts');
        return await proxyCommand(rest, io);
      }
      case 'registry': {
        // Loaded only when asked for: the router and swarm do not need the registry program.
        const registry = await import('../../src/cli/registry-cli.ts');
        return await registry.main(rest);
      }
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return 0;
      case '--version':
        io.out(`ocs-sim ${VERSION}`);
        return 0;
      case undefined:
        io.err('ocs-sim: missing command (router, swarm or registry); see ocs-sim --help');
        return 2;
      default:
        io.err(`ocs-sim: unknown command "${command}"; see ocs-sim --help`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ocs-sim: ${error.message}`);
      return 2;
    }
    // e.g. the port is taken: one clear line, not a stack trace.
    io.err(`ocs-sim: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
