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

/** Command and arguments that run `ocs-sim <args>` here. */
export function ocsSimCommand(args: readonly string[]): { command: string; args: string[] } {
  const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
  // A compiled executable (bun build --compile) is ocs-sim itself.
  if (import.meta.url.includes('$bunfs') || import.meta.url.includes('/~BUN/')) return { command: process.execPath, args: [...args] };
  if (g.Deno) return { command: g.Deno.execPath(), args: ['run', '--allow-all', '--unstable-net', entry(), ...args] };
  return { command: process.execPath, args: [entry(), ...args] };
}

export function spawnOcsSim(args: readonly string[]): ChildProcess {
  const { command, args: full } = ocsSimCommand(args);
  return spawn(command, full, { stdio: ['ignore', 'pipe', 'pipe'] });
}
