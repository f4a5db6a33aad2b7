// The router process's end of the proxy links: a WebSocket server on an
// internal port where each proxy connects once. Every client connection a
// proxy accepted becomes one SocketTransport attached to the router, as if
// the client had connected to the router itself; its frames come and go as
// link records, batched per turn. A link that drops (its proxy died) ends
// all of that proxy's sessions: the router sees them leave.

import { Hono } from 'hono';
import { type RunningServer, serve, type ServerSocket, type SocketHandlers } from '../../src/runtime/serve.ts';
import { SERIALIZERS } from '../../src/wamp/serializers/index.ts';
import type { Router } from '../router/index.ts';
import type { EndpointStats } from '../endpoint/index.ts';
import { SocketTransport } from '../endpoint/socket-transport.ts';
import { LINK_PROTOCOL, type LinkRecords, LinkWriter, readBatch } from './link-codec.ts';

export const LINK_PATH = '/proxy-link';

export interface LinkServerOptions {
  router: Router;
  /** The endpoint's counters: proxied connections count as its own. */
  stats: EndpointStats;
  /** WebSocket path -> role, as the endpoint's config says. */
  roles: ReadonlyMap<string, string>;
  /** Largest message to send a client (0: none). */
  maxMessageBytes: number;
  host?: string;
}

export interface LinkServer {
  /** ws://host:port/proxy-link */
  readonly url: string;
  /** Links (proxies) connected now. */
  readonly links: number;
  /** Sessions carried over links now. */
  readonly sessions: number;
  /** Each connected proxy (by the pid it gave): the sessions it carries now, and its link's counts so far. */
  proxies(): LinkCounts[];
  /** Link messages received and records in them, both ways: the batching factor. */
  readonly counts: { batchesIn: number; recordsIn: number; batchesOut: number; recordsOut: number };
  /** Write what waits, then close every link (proxies close their clients and exit). */
  close(): Promise<void>;
}

/** One proxy's link, as the router process sees it. */
export interface LinkCounts {
  pid: number;
  /** Client connections it carries now (each a session, once joined). */
  sessions: number;
  /** Client connections it opened over this link. */
  connectionsOpened: number;
  /** Client frames it brought in, and router frames it took out to its clients. */
  framesIn: number;
  framesOut: number;
}

/** Link messages may hold many client frames; one full batch of the largest is far under this. */
const LINK_MAX_BYTES = 2 ** 30;

export async function startLinkServer(options: LinkServerOptions): Promise<LinkServer> {
  const { router, stats, roles } = options;
  const links = new Set<ProxyLink>();
  const counts = { batchesIn: 0, recordsIn: 0, batchesOut: 0, recordsOut: 0 };
  let sessions = 0;
  const running: RunningServer = await serve(new Hono(), {
    port: 0,
    hostname: options.host ?? '127.0.0.1',
    websocket: {
      paths: [LINK_PATH],
      maxMessageBytes: LINK_MAX_BYTES,
      maxSendBufferBytes: LINK_MAX_BYTES,
      selectProtocol: (offered) => (offered.includes(LINK_PROTOCOL) ? LINK_PROTOCOL : null),
      open(socket, request) {
        const link = new ProxyLink(socket, Number(new URL(request.url).searchParams.get('pid') ?? 0), {
          attach(transport) {
            stats.connectionsOpened++;
            stats.connectionsOpen++;
            sessions++;
            router.attach(transport);
          },
          detached() {
            stats.connectionsOpen--;
            sessions--;
          },
          badFrame: () => void stats.badFrames++,
          socketError: () => void stats.socketErrors++,
          roles,
          maxMessageBytes: options.maxMessageBytes,
          counts,
        });
        links.add(link);
        return {
          message: (data) => link.batch(data),
          close() {
            links.delete(link);
            link.lost();
          },
        };
      },
    },
  });
  return {
    url: `${running.url.replace(/^http/, 'ws')}${LINK_PATH}`,
    get links() {
      return links.size;
    },
    get sessions() {
      return sessions;
    },
    proxies: () => [...links].map((link) => link.counts()),
    counts,
    async close() {
      // A normal close (1000) tells the proxies this is a shutdown, not a crash.
      for (const link of links) link.shutdown();
      await running.close();
    },
  };
}

interface LinkHooks {
  attach(transport: SocketTransport): void;
  detached(): void;
  badFrame(): void;
  socketError(): void;
  roles: ReadonlyMap<string, string>;
  maxMessageBytes: number;
  counts: LinkServer['counts'];
}

/** One proxy's link: its client connections by link id. */
class ProxyLink implements LinkRecords {
  readonly #writer: LinkWriter;
  readonly #clients = new Map<number, SocketHandlers>();
  readonly #hooks: LinkHooks;
  readonly #socket: ServerSocket;
  readonly pid: number;
  #opened = 0;
  #framesIn = 0;
  #framesOut = 0;

  constructor(socket: ServerSocket, pid: number, hooks: LinkHooks) {
    this.#socket = socket;
    this.pid = pid;
    this.#hooks = hooks;
    this.#writer = new LinkWriter((batch) => {
      hooks.counts.batchesOut++;
      socket.send(batch);
    });
  }

  counts(): LinkCounts {
    return { pid: this.pid, sessions: this.#clients.size, connectionsOpened: this.#opened, framesIn: this.#framesIn, framesOut: this.#framesOut };
  }

  batch(data: string | Uint8Array): void {
    this.#hooks.counts.batchesIn++;
    readBatch(data, this);
  }

  open(id: number, protocol: string, path: string): void {
    this.#hooks.counts.recordsIn++;
    const serializer = SERIALIZERS.get(protocol);
    if (!serializer || this.#clients.has(id)) {
      this.#writer.close(id, 1002, `no such subprotocol or connection: "${protocol}"`);
      return;
    }
    const writer = this.#writer;
    const counts = this.#hooks.counts;
    const socket: ServerSocket = {
      protocol,
      send: (data) => {
        if (!this.#clients.has(id)) return;
        counts.recordsOut++;
        this.#framesOut++;
        writer.frame(id, data);
      },
      close: (code = 1000, reason = '') => {
        if (!this.#forget(id)) return;
        writer.close(id, code, reason);
      },
    };
    const transport = new SocketTransport(socket, serializer, { type: 'websocket', authrole: this.#hooks.roles.get(path) ?? 'anonymous' }, {
      badFrame: () => this.#hooks.badFrame(),
      maxMessageBytes: this.#hooks.maxMessageBytes,
    });
    this.#clients.set(id, transport.handlers);
    this.#opened++;
    this.#hooks.attach(transport);
  }

  frame(id: number, data: string | Uint8Array): void {
    this.#hooks.counts.recordsIn++;
    this.#framesIn++;
    const handlers = this.#clients.get(id);
    if (!handlers) return; // closed by the router while the frame was on its way
    try {
      handlers.message(data);
    } catch {
      // As GuardedSocket: a failure costs this connection only (1011).
      this.#hooks.socketError();
      const gone = this.#clients.get(id);
      if (gone && this.#forget(id)) {
        this.#writer.close(id, 1011, 'internal error');
        gone.close(1011, 'internal error');
      }
    }
  }

  /** The client's connection ended at the proxy. */
  close(id: number, code: number, reason: string): void {
    this.#hooks.counts.recordsIn++;
    const handlers = this.#clients.get(id);
    if (!handlers || !this.#forget(id)) return;
    handlers.close(code, reason);
  }

  /** Write what waits, then close the link normally. */
  shutdown(): void {
    this.#writer.flush();
    this.#socket.close(1000, 'router shutting down');
  }

  /** The link itself dropped: every connection it carried is gone. */
  lost(): void {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    for (const handlers of clients) {
      this.#hooks.detached();
      handlers.close(1006, 'proxy link lost');
    }
  }

  #forget(id: number): boolean {
    if (!this.#clients.delete(id)) return false;
    this.#hooks.detached();
    return true;
  }
}
