// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// The real Python OCS for interop tests: a site config pointing at a router,
// Python agents as processes, and calls through the real OCSClient.
// Python comes from OCS_PYTHON or ./.venv (which .ci/run creates with `pip
// install ocs`); without it these tests skip, unless REQUIRE_PYTHON=1 (CI).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const ROOT = new URL('../../', import.meta.url).pathname;

export function findPython(): string | null {
  const candidates = [process.env.OCS_PYTHON, join(ROOT, '.venv/bin/python')].filter((p): p is string => !!p);
  for (const python of candidates) {
    if (existsSync(python) && spawnSync(python, ['-c', 'import ocs'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

/** The reason to skip, or false when Python with ocs is there; fails outright in CI without it. */
export function skipWithoutPython(): string | false {
  if (findPython()) return false;
  if (process.env.REQUIRE_PYTHON === '1') throw new Error('REQUIRE_PYTHON=1 but no Python with the ocs package (OCS_PYTHON or .venv)');
  return 'needs Python with the ocs package (pip install ocs into .venv, or set OCS_PYTHON)';
}

export interface Site {
  dir: string;
  file: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** A site config like OCS's tests/default.yaml, for a router at `port`. */
export function writeSite(port: number, instances: { id: string; agentClass: string; args?: string[] }[]): Site {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-site-'));
  const file = join(dir, 'default.yaml');
  const lines = [
    'hub:',
    `  wamp_server: ws://127.0.0.1:${port}/ws`,
    `  wamp_http: http://127.0.0.1:${port}/call`,
    '  wamp_realm: test_realm',
    '  address_root: observatory',
    'hosts:',
    '  localhost:',
    "    'agent-instances': [",
    ...instances.map((i) => `      {'agent-class': '${i.agentClass}', 'instance-id': '${i.id}', 'arguments': ${JSON.stringify(i.args ?? [])}},`),
    '    ]',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { dir, file, env: { OCS_CONFIG_DIR: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PythonProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | string>;
}

/** A Python OCS agent process (python -m ocs.agents.<module>.agent). */
export function startPythonAgent(site: Site, module: string, instanceId: string, extra: string[] = []): PythonProcess {
  const python = findPython() as string;
  const child = spawn(python, [
    '-u',
    '-m',
    `ocs.agents.${module}.agent`,
    '--site-file',
    site.file,
    '--site-host',
    'localhost',
    '--instance-id',
    instanceId,
    ...extra,
  ], { env: { ...process.env, ...site.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => text,
    stop() {
      child.kill('SIGINT');
      const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
      return exited.finally(() => clearTimeout(hard));
    },
  };
}

/** Run a Python program to completion (asynchronously, so in-process routers keep serving). */
export function runPython(site: Site, args: string[], timeoutMs = 60_000, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const python = findPython() as string;
  return new Promise((resolve) => {
    const child = spawn(python, args, { env: { ...process.env, ...site.env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One OCSClient call: `[status, message, session]`, or the get_api dict. */
export async function ocsClient(site: Site, instanceId: string, op: string, method?: string, params?: object): Promise<any> {
  const script = join(ROOT, 'test/interop/py/ocs_client.py');
  const args = [script, instanceId, op, ...(method ? [method] : []), ...(params ? [JSON.stringify(params)] : [])];
  const result = await runPython(site, args);
  if (result.code !== 0) throw new Error(`OCSClient ${instanceId}.${op}.${method ?? ''} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
}

/** Poll `probe` until it returns a value (Python agents start in their own time); no fixed sleeps. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
