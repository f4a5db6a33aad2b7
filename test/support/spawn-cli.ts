// Run one of the project's programs under the runtime running the tests
// (Node, Bun or Deno), and wait for lines of its output: no sleeping.

import { type ChildProcess, spawn } from 'node:child_process';
import process from 'node:process';

export interface Program {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first line matching `pattern`, printed now or later. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

function runtimeArgs(script: string): string[] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno) return ['run', '--allow-all', script];
  return [script];
}

export function runProgram(script: string, args: string[], env: Record<string, string> = {}): Program {
  return runCommand(process.execPath, [...runtimeArgs(script), ...args], env);
}

/** Run any command (e.g. `deno serve`), with `env` over this process's environment. */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}): Program {
  const child = spawn(command, args, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const line = text.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        // A safety net against a hung program, not a synchronisation delay.
        const timer = setTimeout(() => reject(new Error(`No line matching ${pattern} within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`Exited before printing ${pattern}:\n${text}`));
        });
      });
    },
  };
}
