// `ocs-sim router --proxies N`: the router spread over processes, as crossbar
// spreads a node over a router worker and proxy workers. This process keeps
// the only router (realms, broker, dealer, meta events) behind an internal
// endpoint and a link server; N `ocs-sim proxy` children share the public
// port (SO_REUSEPORT) and carry their clients' frames over one link each.
// Clients see one URL. A proxy that dies takes its sessions with it.

import type { ChildProcess } from 'node:child_process';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/runtime/serve.ts';
import { type EndpointOptions, type SimEndpoint, startEndpoint } from '../endpoint/index.ts';
import { type LinkServer, startLinkServer } from './link-server.ts';
import { PROXY_READY } from './proxy-command.ts';
import { spawnOcsSim } from './spawn.ts';

export interface ClusterOptions extends EndpointOptions {
  proxies: number;
  /**
   * More addresses the proxies also listen on, on the same port. A test rig on
   * one host needs them past ~28k connections: each (client address, server
   * address, port) has only the ephemeral ports (32768-60999 here) to give.
   */
  extraHosts?: readonly string[];
  /** Lines from the proxies (their stderr) and about them (one exited). */
  log?: (line: string) => void;
}

export interface ProxyProcess {
  readonly pid: number;
  /** Null while it runs. */
  readonly exitCode: number | null;
}

export interface SimCluster {
  /** The router process's own endpoint, on an internal port (control API, stats). */
  readonly endpoint: SimEndpoint;
  readonly link: LinkServer;
  readonly proxies: readonly ProxyProcess[];
  /** The public port and URLs, served by the proxies. */
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly paths: SimEndpoint['paths'];
  close(): Promise<void>;
}

const START_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 2_000;

export async function startCluster(options: ClusterOptions): Promise<SimCluster> {
  if (!Number.isInteger(options.proxies) || options.proxies < 1) throw new RangeError(`proxies must be a whole number >= 1, not ${options.proxies}.`);
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const publicPort = options.port ?? options.config?.transports[0]?.port ?? 8001;
  const endpoint = await startEndpoint({ ...options, port: 0 });
  const wsPaths = endpoint.paths.filter((p) => p.type === 'websocket');
  const roles = new Map(wsPaths.map((p) => [p.path, (p as { role: string }).role]));
  const maxMessageBytes = options.maxMessageBytes ?? wsPaths[0]?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const children: ChildProcess[] = [];
  let link: LinkServer | undefined;
  const stopChildren = () => Promise.all(children.map((child) => stop(child)));
  let closing: Promise<void> | undefined;
  try {
    link = await startLinkServer({ router: endpoint.router, stats: endpoint.stats, roles, maxMessageBytes, host });
    const args = (port: number) => [
      'proxy',
      '--link',
      link!.url,
      '--backend',
      endpoint.url,
      '--host',
      [host, ...(options.extraHosts ?? [])].join(','),
      '--port',
      String(port),
      '--paths',
      [...roles.keys()].join(','),
      '--max-message-bytes',
      String(maxMessageBytes > 0 ? maxMessageBytes : 2 ** 31),
      ...(options.maxSendBufferBytes !== undefined ? ['--max-send-buffer-bytes', String(options.maxSendBufferBytes)] : []),
    ];
    // The first proxy picks the port when asked for any (0); the others join it.
    let port = publicPort;
    for (let i = 0; i < options.proxies; i++) {
      const child = spawnOcsSim(args(port));
      children.push(child);
      port = await ready(child, i, log);
    }
    for (const [i, child] of children.entries()) {
      child.once('exit', (code, signal) => {
        if (!closing) log(`ocs-sim router: proxy ${i} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); its connections are gone`);
      });
    }
    const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const wsBase = base.replace(/^http/, 'ws');
    const running = link;
    return {
      endpoint,
      link: running,
      proxies: children.map((child) => ({
        pid: child.pid!,
        get exitCode() {
          return child.exitCode ?? (child.signalCode !== null ? 128 : null);
        },
      })),
      port,
      url: base,
      wsUrl: `${wsBase}${wsPaths[0]?.path ?? '/ws'}`,
      paths: endpoint.paths.map((p) => ({ ...p, url: `${p.type === 'websocket' ? wsBase : base}${p.path}` })),
      close() {
        closing ??= (async () => {
          await endpoint.close(); // GOODBYE to every session, over the links
          await running.close(); // written, then the links close: the proxies close their clients and exit
          await stopChildren();
        })();
        return closing;
      },
    };
  } catch (error) {
    await link?.close();
    await stopChildren();
    await endpoint.close();
    throw error;
  }
}

/** Wait for the proxy's "listening" line; relay its stderr. Resolves with its port. */
function ready(child: ChildProcess, index: number, log: (line: string) => void): Promise<number> {
  let out = '';
  let err = '';
  let started = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    err += text;
    const lines = err.split('\n');
    err = lines.pop()!;
    for (const line of lines) if (line) log(`[proxy ${index}] ${line}`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Proxy ${index} did not start within ${START_LIMIT_MS / 1000} s.`)), START_LIMIT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      if (started) return;
      out += text;
      const at = out.indexOf(PROXY_READY);
      if (at < 0 || !out.includes('\n', at)) return;
      clearTimeout(timer);
      started = true;
      resolve(Number(out.slice(at + PROXY_READY.length, out.indexOf('\n', at))));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Proxy ${index} exited (code ${code}) before it served${err ? `: ${err.trim()}` : ''}.`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_LIMIT_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
