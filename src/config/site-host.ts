// Choosing and checking the host block: the given host name, else
// "localhost" (ocs/site_config.py get_config). A host block may override the
// hub's wamp_server, wamp_http and wamp_realm, but not address_root.

import { UsageError } from './errors.ts';
import { flattenArguments } from './instance-args.ts';
import { isMap, optionalString } from './site-file.ts';
import type { SiteFile, YamlMap } from './site-file.ts';

export interface SiteInstance {
  readonly agentClass: string | null;
  readonly instanceId: string;
  /** The instance's `arguments`, flattened and converted to strings. */
  readonly arguments: readonly string[];
}

export interface SiteHost {
  readonly name: string;
  readonly wampServer: string | null;
  readonly wampHttp: string | null;
  readonly wampRealm: string | null;
  readonly logDir: string | null;
  readonly crossbarTimeout: number | null;
  readonly instances: readonly SiteInstance[];
}

/** Picks the block for `host` (falling back to "localhost"), or throws. */
export function selectHost(site: SiteFile, host: string): SiteHost {
  for (const name of [host, 'localhost']) {
    if (Object.hasOwn(site.hosts, name)) return readHost(site.hosts[name], name, site.path);
  }
  const tried = host === 'localhost' ? '"localhost"' : `"${host}" (nor for "localhost")`;
  throw new UsageError(`Site config "${site.path}" has no entry in "hosts" for ${tried}`);
}

function readHost(block: unknown, name: string, path: string): SiteHost {
  const label = `hosts.${name}`;
  if (!isMap(block)) throw new UsageError(`"${label}" in "${path}" must be a mapping`);
  const list = block['agent-instances'] ?? [];
  if (!Array.isArray(list)) throw new UsageError(`"${label}.agent-instances" in "${path}" must be a list`);
  return {
    name,
    wampServer: optionalString(block, 'wamp_server', `${label}.wamp_server`, path),
    wampHttp: optionalString(block, 'wamp_http', `${label}.wamp_http`, path),
    wampRealm: optionalString(block, 'wamp_realm', `${label}.wamp_realm`, path),
    logDir: optionalString(block, 'log-dir', `${label}.log-dir`, path),
    crossbarTimeout: readCrossbarTimeout(block, label, path),
    instances: list.map((item: unknown, i) => readInstance(item, `${label}.agent-instances[${i}]`, path)),
  };
}

// Python reads `crossbar_timeout`; the OCS docs write `crossbar-timeout`
// (Q15). Both are accepted; the underscore one wins, as in Python.
function readCrossbarTimeout(block: YamlMap, label: string, path: string): number | null {
  const key = block['crossbar_timeout'] !== undefined ? 'crossbar_timeout' : 'crossbar-timeout';
  const value = block[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(
      `"${label}.${key}" in "${path}" must be a number of seconds (0 or more), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function readInstance(item: unknown, label: string, path: string): SiteInstance {
  if (!isMap(item)) throw new UsageError(`"${label}" in "${path}" must be a mapping`);
  const id = item['instance-id'];
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new UsageError(`"${label}" in "${path}" has no "instance-id"`);
  }
  const agentClass = item['agent-class'];
  return {
    instanceId: String(id),
    agentClass: typeof agentClass === 'string' ? agentClass : null,
    arguments: flattenArguments(item['arguments'] ?? [], `${label}.arguments`, path),
  };
}
