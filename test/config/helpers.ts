// Shared by the config tests: an in-memory file system and a loader with
// the defaults most tests want (OCS_CONFIG_DIR=/cfg holding default.yaml,
// a machine host name that is not in the site config).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRegistryConfig, UsageError } from '../../src/config/index.ts';
import type { RegistryConfig } from '../../src/config/index.ts';

export const DEFAULT_YAML = readFileSync(new URL('../fixtures/default.yaml', import.meta.url), 'utf8');

export function memoryFiles(files: Readonly<Record<string, string>>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
}

export interface LoadOptions {
  readonly env?: Record<string, string | undefined>;
  readonly files?: Readonly<Record<string, string>>;
  readonly hostname?: string;
}

export function load(argv: readonly string[], options: LoadOptions = {}): RegistryConfig {
  const env = options.env ?? { OCS_CONFIG_DIR: '/cfg' };
  const files = options.files ?? { '/cfg/default.yaml': DEFAULT_YAML };
  return loadRegistryConfig(argv, env, { hostname: options.hostname ?? 'testbox', readFile: memoryFiles(files) });
}

/** Asserts that `fn` throws a UsageError with exactly this message (or matching it). */
export function assertUsageError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.equal(error.name, 'UsageError');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'message is one line');
    return true;
  });
}

/** A minimal SCF: one hub and the given host blocks (YAML text). */
export function siteYaml(hosts: string, hub = 'wamp_server: ws://h:1/ws\n  wamp_realm: r\n  address_root: root'): string {
  return `hub:\n  ${hub}\nhosts:\n${hosts}`;
}
