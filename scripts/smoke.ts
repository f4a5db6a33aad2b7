// Small helpers for the scripts that smoke-test what users install
// (check-package.ts, check-executables.ts): run a program, start a server
// program and probe it, record pass/fail lines.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import process from 'node:process';

export const failures: string[] = [];

export function step(title: string): void {
  console.log(`\n== ${title}`);
}

export function check(what: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n${detail}` : ''}`);
  if (!ok) failures.push(what);
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Start a long-running program, wait for a line, run `probe`, then SIGTERM it and expect exit 0. */
export async function serving(
  what: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  probe: (line: string) => Promise<boolean>,
) {
  const child: ChildProcess = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  const line = await new Promise<string | null>((done) => {
    const timer = setTimeout(() => done(null), 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const found = text.split('\n').find((l) => ready.test(l));
      if (found !== undefined) {
        clearTimeout(timer);
        done(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then(() => {
      clearTimeout(timer);
      done(null);
    });
  });
  let probed = false;
  if (line !== null) probed = await probe(line).catch(() => false);
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<string>((done) => setTimeout(() => done('still running 10 s after SIGTERM'), 10_000).unref())]);
  if (code === 'still running 10 s after SIGTERM') child.kill('SIGKILL');
  check(what, line !== null && probed && code === 0, `ready: ${line !== null}, probe: ${probed}, exit: ${code}\n${text.slice(-2000)}`);
}

export async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  return response.ok ? await response.text() : '';
}
