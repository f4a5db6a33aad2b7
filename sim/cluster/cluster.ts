// `ocs-sim router --proxies N`: the router spread over processes, as crossbar
// spreads a node over a router worker and proxy workers. This process keeps
// the only router (realms, broker, dealer, meta events) behind an internal
// endpoint and a link server; N `ocs-sim proxy` children share the public
// port (SO_REUSEPORT) and carry their clients' frames over one link each.
// Clients see one URL. A proxy that dies takes its sessions with it, and is
// started again (proxy-slot.ts). The router process's /info lists the
// proxies with their counts.

import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/runtime/serve.ts';
import { type EndpointOptions, type SimEndpoint, startEndpoint } from '../endpoint/index.ts';
import { type LinkCounts, type LinkServer, startLinkServer } from './link-server.ts';
import { type ProxyProcess, ProxySlot, type ProxySlotOptions } from './proxy-slot.ts';

export type { ProxyProcess, ProxySlotOptions };

export interface ClusterOptions extends EndpointOptions, ProxySlotOptions {
  proxies: number;
  /**
   * More addresses the proxies also listen on, on the same port. A test rig on
   * one host needs them past ~28k connections: each (client address, server
   * address, port) has only the ephemeral ports (32768-60999 here) to give.
   */
  extraHosts?: readonly string[];
  /** Lines from the proxies (their stderr) and about them (one exited, one serves again). */
  log?: (line: string) => void;
}

/** One proxy as /info shows it: its process, restarts, and its link's counts (zero while it has none). */
export interface ProxyInfo extends Omit<LinkCounts, 'pid'> {
  index: number;
  pid: number;
  running: boolean;
  restarts: number;
}

export interface SimCluster {
  /** The router process's own endpoint, on an internal port (control API, stats). */
  readonly endpoint: SimEndpoint;
  readonly link: LinkServer;
  /** The proxies, by index: the process serving now, and how often each was restarted. */
  readonly proxies: readonly ProxyProcess[];
  /** Each proxy with its counts (what /info shows under `proxies`). */
  proxyInfo(): ProxyInfo[];
  /** The public port and URLs, served by the proxies. */
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly paths: SimEndpoint['paths'];
  close(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<SimCluster> {
  if (!Number.isInteger(options.proxies) || options.proxies < 1) throw new RangeError(`proxies must be a whole number >= 1, not ${options.proxies}.`);
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const publicPort = options.port ?? options.config?.transports[0]?.port ?? 8001;
  const slots: ProxySlot[] = [];
  let link: LinkServer | undefined;
  const proxyInfo = (): ProxyInfo[] => {
    const links = new Map((link?.proxies() ?? []).map((counts) => [counts.pid, counts]));
    return slots.map((slot) => {
      const counts = links.get(slot.pid);
      return {
        index: slot.index,
        pid: slot.pid,
        running: slot.exitCode === null,
        restarts: slot.restarts,
        sessions: counts?.sessions ?? 0,
        connectionsOpened: counts?.connectionsOpened ?? 0,
        framesIn: counts?.framesIn ?? 0,
        framesOut: counts?.framesOut ?? 0,
      };
    });
  };
  const endpoint = await startEndpoint({ ...options, port: 0, nodeInfo: () => ({ proxies: proxyInfo() }) });
  const wsPaths = endpoint.paths.filter((p) => p.type === 'websocket');
  const roles = new Map(wsPaths.map((p) => [p.path, (p as { role: string }).role]));
  const maxMessageBytes = options.maxMessageBytes ?? wsPaths[0]?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const stopChildren = () => Promise.all(slots.map((slot) => slot.stop()));
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
      const slot = new ProxySlot(i, args, log, options);
      slots.push(slot);
      port = await slot.start(port);
    }
    const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const wsBase = base.replace(/^http/, 'ws');
    const running = link;
    return {
      endpoint,
      link: running,
      proxies: slots,
      proxyInfo,
      port,
      url: base,
      wsUrl: `${wsBase}${wsPaths[0]?.path ?? '/ws'}`,
      paths: endpoint.paths.map((p) => ({ ...p, url: `${p.type === 'websocket' ? wsBase : base}${p.path}` })),
      close() {
        closing ??= (async () => {
          for (const slot of slots) slot.retire(); // proxies exit as their links close: not deaths
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
