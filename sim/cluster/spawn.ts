// Start `ocs-sim proxy` children on the runtime that runs this process: the
// same executable (Bun, Node, or Deno with --unstable-net for SO_REUSEPORT),
// or the compiled ocs-sim itself.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

/** The bin/ocs-sim next to this module (.ts from source, .js from the npm package). */
function entry(): string {
  const ext = import.meta.url.endsWith('.js') ? '.js' : '.ts';
  return fileURLToPath(new URL(`../../bin/ocs-sim${ext}`, import.meta.url));
}

export const PROXY_RUNTIMES = ['bun', 'node', 'deno'] as const;
export type ProxyRuntime = typeof PROXY_RUNTIMES[number];

function currentRuntime(): ProxyRuntime {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
}

/**
 * Command and arguments that run `ocs-sim <args>` here: on this runtime, or
 * on `runtime` (its executable found on PATH) when another is asked for.
 */
export function ocsSimCommand(args: readonly string[], runtime: ProxyRuntime = currentRuntime()): { command: string; args: string[] } {
  const g = globalThis as { Deno?: { execPath(): string } };
  const here = runtime === currentRuntime();
  // A compiled executable (bun build --compile) is ocs-sim itself.
  if (import.meta.url.includes('$bunfs') || import.meta.url.includes('/~BUN/')) {
    if (!here) throw new Error(`A compiled ocs-sim runs its proxies on itself, not on ${runtime}.`);
    return { command: process.execPath, args: [...args] };
  }
  if (runtime === 'deno') return { command: here ? g.Deno!.execPath() : 'deno', args: ['run', '--allow-all', '--unstable-net', entry(), ...args] };
  return { command: here ? process.execPath : runtime, args: [entry(), ...args] };
}

export function spawnOcsSim(args: readonly string[], runtime?: ProxyRuntime): ChildProcess {
  const { command, args: full } = ocsSimCommand(args, runtime);
  return spawn(command, full, { stdio: ['ignore', 'pipe', 'pipe'] });
}
