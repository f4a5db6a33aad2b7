// The environment variables that ocs-agent-cli (the OCS Docker entry point)
// turns into arguments, so a container set up for the Python registry works
// unchanged. As there, the command line wins (ocs/agent_cli.py main).

import { parseArgv } from './argv.ts';
import type { ArgValue, ArgValues } from './argv.ts';

export const ENVIRONMENT_ARGUMENTS: Readonly<Record<string, string>> = {
  INSTANCE_ID: '--instance-id',
  SITE_HUB: '--site-hub',
  SITE_HTTP: '--site-http',
  SITE_HOST: '--site-host',
  CROSSBAR_TIMEOUT: '--crossbar-timeout',
};

/** Values from the environment for flags the command line does not set. */
export function environmentArguments(
  env: Readonly<Record<string, string | undefined>>,
  commandLine: ArgValues,
): Map<string, ArgValue> {
  const out = new Map<string, ArgValue>();
  for (const [name, flag] of Object.entries(ENVIRONMENT_ARGUMENTS)) {
    const value = env[name];
    if (value === undefined || value === '' || commandLine.has(flag)) continue;
    const parsed = parseArgv([`${flag}=${value}`], ` (from environment variable ${name})`);
    for (const [k, v] of parsed) out.set(k, v);
  }
  return out;
}
