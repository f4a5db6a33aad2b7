// The --help text, built from the option table so it cannot drift.

import { OPTIONS, SHORT_ALIASES } from './options.ts';
import type { OptionSpec } from './options.ts';

const GROUPS: ReadonlyArray<readonly [OptionSpec['group'], string]> = [
  ['registry', 'Options'],
  ['site', 'Site config options (as in OCS)'],
  ['extra', 'Options of this implementation'],
];

function usage(spec: OptionSpec): string {
  const short = Object.entries(SHORT_ALIASES).find(([, long]) => long === spec.flag)?.[0];
  const names = short ? `${short}, ${spec.flag}` : spec.flag;
  return spec.metavar ? `${names} ${spec.metavar}` : names;
}

export function helpText(program = 'ocs-registry'): string {
  const width = Math.max(...OPTIONS.map((o) => usage(o).length)) + 2;
  const lines = [
    `Usage: ${program} [options]`,
    '',
    'OCS Registry Agent: tracks OCS agents by their heartbeats and publishes',
    'their operation states to the agent_operations feed.',
  ];
  for (const [group, title] of GROUPS) {
    lines.push('', `${title}:`);
    for (const o of OPTIONS.filter((x) => x.group === group)) {
      lines.push(`  ${usage(o).padEnd(width)}${o.help}`);
    }
  }
  lines.push(
    '',
    'Precedence: the command line; then INSTANCE_ID, SITE_HUB, SITE_HTTP, SITE_HOST',
    'and CROSSBAR_TIMEOUT from the environment (as with ocs-agent-cli); then the',
    'instance\'s "arguments" in the site config; then its host block; then the hub.',
    'OCS_CONFIG_DIR is the directory of the site config files.',
  );
  return `${lines.join('\n')}\n`;
}
