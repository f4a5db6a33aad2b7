// A real crossbar router for tests, started from PyPI's `crossbar` with a
// config like OCS's tests/config.json on a free loopback port. Found at
// CROSSBAR or ./.venv-crossbar/bin/crossbar (which .ci/run installs); tests
// skip without it unless REQUIRE_CROSSBAR=1 (CI).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { withProxyWorkers } from './crossbar-proxies.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const OCS_CONFIG = join(ROOT, 'test/endpoint/fixtures/ocs-tests-config.json');

export function findCrossbar(): string | null {
  const candidates = [process.env.CROSSBAR, join(ROOT, '.venv-crossbar/bin/crossbar')].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export function skipWithoutCrossbar(): string | false {
  if (findCrossbar()) return false;
  if (process.env.REQUIRE_CROSSBAR === '1') throw new Error('REQUIRE_CROSSBAR=1 but no crossbar (CROSSBAR or .venv-crossbar)');
  return 'needs crossbar (pip install crossbar into .venv-crossbar, or set CROSSBAR)';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Crossbar {
  port: number;
  wsUrl: string;
  httpUrl: string;
  /** Stop the router (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Start it again on the same port and config. */
  start(): Promise<void>;
  output(): string;
  /** The controller's process id while it runs (its router worker is a child). */
  pid(): number | null;
  close(): Promise<void>;
}

/**
 * `config`: a crossbar config.json in OCS's shape to run instead of OCS's tests/config.json (its endpoint is replaced).
 * `proxies`: that many proxy workers in front of the router worker (see crossbar-proxies.ts); wsUrl is then theirs.
 */
export async function startCrossbar(options: { config?: Record<string, unknown>; proxies?: number } = {}): Promise<Crossbar> {
  const binary = findCrossbar() as string;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-'));
  const cbdir = join(dir, '.crossbar');
  mkdirSync(cbdir);
  let config = options.config ? structuredClone(options.config) : JSON.parse(readFileSync(OCS_CONFIG, 'utf8'));
  config.workers[0].options = {};
  config.workers[0].transports[0].endpoint = { type: 'tcp', port, interface: '127.0.0.1' };
  const proxies = options.proxies ?? 0;
  const proxyPort = proxies > 0 ? await freePort() : port;
  if (proxies > 0) config = withProxyWorkers(config, proxies, proxyPort, join(dir, 'router.sock'));
  writeFileSync(join(cbdir, 'config.json'), JSON.stringify(config, null, 2));
  let child: ChildProcess | null = null;
  let text = '';
  const httpUrl = `http://127.0.0.1:${port}`;

  const start = async () => {
    child = spawn(binary, ['start', '--cbdir', cbdir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
    // Ready when the nodeinfo page answers (what OCS's own harness polls).
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      try {
        const info = await fetch(`${httpUrl}/info`);
        await info.body?.cancel();
        // With proxies: the last one says so once its transport listens.
        const proxiesUp = proxies === 0 || text.includes(`Proxy proxy${proxies} has started Transport`);
        if (info.status === 200 && proxiesUp) return;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`crossbar exited early:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Not left running behind a failed start (a loaded machine can take this long): stop it, workers included.
    await stop();
    throw new Error(`crossbar did not come up on ${port}:\n${text}`);
  };

  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const hard = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(hard);
  };

  await start();
  return {
    port,
    wsUrl: `ws://127.0.0.1:${proxyPort}/ws`,
    httpUrl,
    start,
    stop,
    output: () => text,
    pid: () => (child as ChildProcess | null)?.pid ?? null,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
