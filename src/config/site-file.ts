// Reading an OCS site config file (SCF) and checking the parts the registry
// uses. Only the hub is checked here; host blocks are checked when one is
// chosen (site-host.ts), as a Python agent ignores the others too.

import { parse } from 'yaml';
import { UsageError } from './errors.ts';

export type YamlMap = Readonly<Record<string, unknown>>;

export interface SiteHub {
  readonly wampServer: string | null;
  readonly wampHttp: string | null;
  readonly wampRealm: string | null;
  readonly addressRoot: string | null;
  readonly accessPolicy: string | null;
}

export interface SiteFile {
  readonly path: string;
  readonly hub: SiteHub;
  /** Host blocks by name, unchecked. */
  readonly hosts: YamlMap;
}

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A string-or-absent field; `label` names it in the error, e.g. `hub.wamp_realm`. */
export function optionalString(map: YamlMap, key: string, label: string, path: string): string | null {
  const value = map[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new UsageError(`"${label}" in "${path}" must be a string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function parseYaml(text: string, path: string): unknown {
  try {
    // YAML 1.1 reads what PyYAML's safe_load reads (yes/no, 0o10, 1_000);
    // duplicate keys are allowed there too (the last one wins).
    return parse(text, { version: '1.1', uniqueKeys: false, logLevel: 'error' });
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new UsageError(`Site config "${path}" is not valid YAML: ${detail}`, { cause: error });
  }
}

export function readSiteFile(path: string, readFile: (path: string) => string): SiteFile {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot read site config "${path}": ${detail}`, { cause: error });
  }
  const data = parseYaml(text, path);
  if (!isMap(data)) throw new UsageError(`Site config "${path}" is not a YAML mapping`);
  const hub = data['hub'];
  if (!isMap(hub)) throw new UsageError(`Site config "${path}" has no "hub" mapping`);
  const hosts = data['hosts'] ?? {};
  if (!isMap(hosts)) throw new UsageError(`"hosts" in "${path}" must be a mapping`);
  return {
    path,
    hosts,
    hub: {
      wampServer: optionalString(hub, 'wamp_server', 'hub.wamp_server', path),
      wampHttp: optionalString(hub, 'wamp_http', 'hub.wamp_http', path),
      wampRealm: optionalString(hub, 'wamp_realm', 'hub.wamp_realm', path),
      addressRoot: optionalString(hub, 'address_root', 'hub.address_root', path),
      accessPolicy: optionalString(hub, 'access_policy', 'hub.access_policy', path),
    },
  };
}
