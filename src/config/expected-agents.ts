// The agents a site config expects: every host block's agent-instances,
// with `manage` read as HostManager reads it (ocs/agents/host_manager,
// _reload_config): an entry without an instance-id, a repeated id, or an
// invalid `manage` is skipped with a warning, as HostManager skips it.
// HostManager marks its own instances `ignore` (it does not manage itself);
// here a HostManager is expected up: a host's manager that is not running
// is what an operator wants to see first.

import { isMap, readSiteFile } from './site-file.ts';

// The types are the core's (config may import the pure core, never the reverse).
import type { ExpectedAgent, Manage } from '../core/expected.ts';
export type { ExpectedAgent, Manage };

/** ocs site_config InstanceConfig._MANAGE_MAP. */
const MANAGE_MAP: Readonly<Record<string, Manage>> = {
  'host/up': 'host/up',
  'host/down': 'host/down',
  'docker/up': 'docker/up',
  'docker/down': 'docker/down',
  ignore: 'ignore',
  yes: 'host/up',
  no: 'ignore',
  docker: 'docker/up',
  host: 'host/up',
  up: 'host/up',
  down: 'host/down',
};

/** HostManager's reading of an instance's `manage` (absent: host/up); null when it would refuse the value. */
export function readManage(value: unknown): Manage | null {
  if (value === undefined || value === null) return 'host/up';
  // YAML 1.1 reads yes/no as booleans.
  if (value === true) return 'host/up';
  if (value === false) return 'ignore';
  return typeof value === 'string' ? (MANAGE_MAP[value] ?? null) : null;
}

export interface ExpectedRead {
  readonly agents: readonly ExpectedAgent[];
  readonly warnings: readonly string[];
}

/** Read `path` (throws UsageError when the file cannot be read or parsed). */
export function readExpectedAgents(path: string, addressRoot: string, readFile: (path: string) => string): ExpectedRead {
  const site = readSiteFile(path, readFile);
  const agents: ExpectedAgent[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [host, block] of Object.entries(site.hosts)) {
    const list = isMap(block) ? block['agent-instances'] : undefined;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isMap(item)) continue;
      const id = item['instance-id'];
      if (typeof id !== 'string' && typeof id !== 'number') {
        warnings.push(`Host "${host}": ignoring an entry with no instance-id`);
        continue;
      }
      const address = `${addressRoot}.${id}`;
      if (seen.has(address)) {
        warnings.push(`Host "${host}": instance-id "${id}" has multiple entries; ignoring repeats`);
        continue;
      }
      const agentClass = typeof item['agent-class'] === 'string' ? item['agent-class'] : null;
      const manage = readManage(item['manage']);
      if (manage === null) {
        warnings.push(`Host "${host}": invalid manage=${JSON.stringify(item['manage'])} for instance "${id}"; not expected`);
        continue;
      }
      seen.add(address);
      const up = agentClass === 'HostManager' || manage === 'host/up' || manage === 'docker/up';
      agents.push({ address, agentClass, host, manage: agentClass === 'HostManager' ? 'ignore' : manage, up });
    }
  }
  return { agents, warnings };
}
