// What the command line needs from its runtime: host name, files, the
// environment, signals and exit. node: modules work the same on Node, Bun and
// Deno, so one file serves all three.

import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import process from 'node:process';

export function hostname(): string {
  try {
    return osHostname();
  } catch {
    return 'localhost'; // Deno without --allow-sys
  }
}

export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

export function environment(): Record<string, string | undefined> {
  return process.env;
}

export function argv(): string[] {
  return process.argv.slice(2);
}

export function pid(): number {
  return process.pid;
}

/** Run `handler` once on the first SIGINT or SIGTERM; a second one exits at once. */
export function onShutdownSignal(handler: (signal: string) => void): void {
  let seen = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (seen) process.exit(130);
      seen = true;
      handler(signal);
    });
  }
}

/** Run `handler` on every SIGHUP (re-read the site config). */
export function onReloadSignal(handler: () => void): void {
  if (process.platform !== 'win32') process.on('SIGHUP', handler);
}

export function exit(code: number): never {
  process.exit(code);
}
