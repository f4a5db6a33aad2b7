// The router under test, as the network benchmark sees it: real crossbar
// (one router worker, or proxy workers in front of it) or the simulator's
// `ocs-sim router` on Bun. Each says where clients connect, where the HTTP
// bridge is, and which of its processes play which part.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startCrossbar } from '../../test/support/crossbar.ts';
import { commandLine, tree } from './proc.ts';
import { profileFlags } from './profile.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BUN = join(ROOT, 'node_modules/.bin/bun');

export interface RouterUnderTest {
  readonly name: string;
  /** Where agents and the registry connect. */
  readonly wsUrl: string;
  /** The same, on each address it listens on (swarm i takes the i-th, round). */
  readonly wsUrls: readonly string[];
  /** http://host:port of the HTTP bridge (/call) and /info. */
  readonly httpUrl: string;
  /** The processes doing the routing, by part: 'router' (the worker holding the realm) and 'proxy' (crossbar's proxy workers). */
  parts(): { router: number[]; proxy: number[] };
  close(): Promise<void>;
}

/** `addresses`: loopback addresses to serve on (127.0.0.1 up), simulator with proxies only; `proxyRuntime` likewise (bun, node, deno). */
export async function startRouter(kind: string, proxies: number, addresses = 1, proxyRuntime = ''): Promise<RouterUnderTest> {
  if (kind === 'sim') return await startSimRouter(proxies, addresses, proxyRuntime);
  const crossbar = await startCrossbar({ proxies });
  return {
    name: proxies > 0 ? `crossbar 26.10.1, 1 router worker + ${proxies} proxy workers` : 'crossbar 26.10.1, 1 router worker',
    wsUrl: crossbar.wsUrl,
    wsUrls: [crossbar.wsUrl],
    httpUrl: crossbar.httpUrl,
    parts() {
      const pids = tree(crossbar.pid()!);
      return {
        router: pids.filter((pid) => commandLine(pid).includes('RouterController')),
        proxy: pids.filter((pid) => commandLine(pid).includes('ProxyController')),
      };
    },
    close: () => crossbar.close(),
  };
}

/** `ocs-sim router` on Bun; with proxies, `--proxies N` (N proxy processes in front of the router process). */
async function startSimRouter(proxies: number, addresses: number, proxyRuntime: string): Promise<RouterUnderTest> {
  const port = await freePort();
  const hosts = Array.from({ length: addresses }, (_, i) => `127.0.0.${i + 1}`);
  const extra = proxies > 0
    ? [
      '--proxies',
      String(proxies),
      ...(addresses > 1 ? ['--extra-hosts', hosts.slice(1).join(',')] : []),
      ...(proxyRuntime ? ['--proxy-runtime', proxyRuntime] : []),
    ]
    : [];
  const child: ChildProcess = spawn(BUN, [...profileFlags(), join(ROOT, 'bin/ocs-sim.ts'), 'router', '--port', String(port), ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const httpUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const info = await fetch(`${httpUrl}/info`);
      await info.body?.cancel();
      if (info.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > until) throw new Error(`ocs-sim router did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: proxies > 0 ? `ocs-sim router (Bun), 1 router process + ${proxies} proxy processes (${proxyRuntime || 'bun'})` : 'ocs-sim router (Bun)',
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    wsUrls: hosts.map((host) => `ws://${host}:${port}/ws`),
    httpUrl,
    parts() {
      const pids = tree(child.pid!);
      const isProxy = (pid: number) => / proxy --link /.test(commandLine(pid));
      return { router: pids.filter((pid) => !isProxy(pid)), proxy: pids.filter(isProxy) };
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(hard);
      // How well the proxy links batched (the router prints it on its way out).
      for (const line of text.split('\n')) if (/proxy links carried|\[proxy \d+\]|proxy \d+ \(pid/.test(line)) console.log(`  router: ${line}`);
    },
  };
}
