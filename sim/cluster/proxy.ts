// One proxy process of `ocs-sim router --proxies N`: it accepts the clients'
// WebSocket connections on the shared public port (SO_REUSEPORT) and carries
// their frames, untouched, over one link to the router process, many per
// link message. Other HTTP requests (the /call and /publish bridge, /info)
// are forwarded to the router process. The proxy holds no WAMP state: when
// its link drops, it closes its clients (1001) and reports the loss.

import process from 'node:process';
import { Hono } from 'hono';
import { type RunningServer, serve, type ServerSocket, type WebSocketRoute } from '../../src/runtime/serve.ts';
import { chooseSerializer } from '../../src/wamp/serializers/index.ts';
import { joinBatched } from '../../src/wamp/serializers/serializer.ts';
import { LINK_PROTOCOL, type LinkRecords, LinkWriter, readBatch } from './link-codec.ts';
import { type ProxyClientEvents, serveProxyClientsBun } from './proxy-bun.ts';

const isBun = (globalThis as { Bun?: unknown }).Bun !== undefined;

export interface ProxyOptions {
  /** ws://… of the router process's link server. */
  linkUrl: string;
  /** http://host:port of the router process's own endpoint (HTTP requests go there). */
  backendUrl: string;
  /** Addresses to listen on, all on the same port (e.g. several loopback addresses, see ClusterOptions.extraHosts). */
  hosts: readonly string[];
  port: number;
  /** The WebSocket paths to accept (the endpoint's). */
  paths: readonly string[];
  maxMessageBytes?: number;
  maxSendBufferBytes?: number;
  /** Share the port with the other proxies (default true). */
  reusePort?: boolean;
  /** The first of each kind of trouble with clients (later ones are counted in stats). */
  log?: (line: string) => void;
  /** The router closed the link as it shut down (the proxy has closed its clients). */
  onRouterShutdown?: () => void;
  /** The link to the router dropped (the proxy has closed its clients). */
  onLinkLost?: (reason: string) => void;
}

export interface ProxyStats {
  connectionsOpened: number;
  connectionsOpen: number;
  refusedUpgrades: number;
  socketErrors: number;
  backpressureCloses: number;
}

export interface RunningProxy {
  readonly port: number;
  readonly stats: ProxyStats;
  /** Close every client connection and the link. */
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const link = await connectLink(options.linkUrl);
  const clients = new Map<number, ServerSocket>();
  const stats: ProxyStats = { connectionsOpened: 0, connectionsOpen: 0, refusedUpgrades: 0, socketErrors: 0, backpressureCloses: 0 };
  const writer = new LinkWriter((batch) => link.send(batch as string | Uint8Array<ArrayBuffer>));
  let nextId = 1;
  let closing = false;

  const fromRouter: LinkRecords = {
    open() {
      throw new RangeError('A router does not open connections over a proxy link.');
    },
    frame: (id, data) => clients.get(id)?.send(data),
    close(id, code, reason) {
      const socket = clients.get(id);
      if (!socket) return;
      clients.delete(id);
      stats.connectionsOpen--;
      socket.close(code, reason);
    },
  };
  link.onmessage = (event) => readBatch(typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer), fromRouter);
  const closeClients = (code: number, reason: string) => {
    for (const socket of clients.values()) socket.close(code, reason);
    stats.connectionsOpen -= clients.size;
    clients.clear();
  };
  link.onclose = (event) => {
    closeClients(1001, 'router gone');
    if (closing) return;
    if (event.code === 1000) options.onRouterShutdown?.();
    else options.onLinkLost?.(`link closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`);
  };

  const events: ProxyClientEvents = {
    opened(socket, path) {
      const id = nextId++;
      clients.set(id, socket);
      stats.connectionsOpened++;
      stats.connectionsOpen++;
      writer.open(id, socket.protocol, path);
      return id;
    },
    frame: (id, data) => writer.frame(id, data),
    closed(id, code, reason) {
      if (!clients.delete(id)) return;
      stats.connectionsOpen--;
      writer.close(id, code, reason);
    },
  };
  const route: WebSocketRoute = {
    paths: options.paths,
    // What one turn sends a client (its records of a link batch) goes as one message where its serializer is batched.
    joinMessages: (protocol) => protocol.endsWith('.batched') ? joinBatched : null,
    maxMessageBytes: options.maxMessageBytes,
    maxSendBufferBytes: options.maxSendBufferBytes,
    selectProtocol(offered) {
      const serializer = chooseSerializer(offered);
      if (!serializer) stats.refusedUpgrades++;
      return serializer?.protocol ?? null;
    },
    open(socket, request) {
      const id = events.opened(socket, new URL(request.url).pathname);
      return {
        message: (data) => events.frame(id, data),
        close: (code, reason) => events.closed(id, code, reason),
      };
    },
    onSocketError: (error) => {
      if (stats.socketErrors++ === 0) {
        options.log?.(`ocs-sim proxy: a connection broke the rules and was closed (${(error as Error).message}); more are only counted`);
      }
    },
    onBackpressure: (reason) => {
      if (stats.backpressureCloses++ === 0) options.log?.(`ocs-sim proxy: a client that did not read was closed (${reason}); more are only counted`);
    },
  };

  const app = forwardingApp(options.backendUrl);
  const servers: RunningServer[] = [];
  try {
    // The first address picks the port when asked for any (0); the others take the same.
    for (const host of options.hosts) {
      const port = servers[0]?.port ?? options.port;
      const serving = { port, hostname: host, reusePort: options.reusePort ?? true, websocket: route };
      // On Bun, a hand-written client side (proxy-bun.ts): ~1.3 µs less per heartbeat.
      servers.push(isBun ? serveProxyClientsBun(app, serving, events) : await serve(app, serving));
    }
  } catch (error) {
    for (const server of servers) await server.close();
    link.close();
    throw error;
  }

  return {
    port: servers[0]!.port,
    stats,
    async close() {
      closing = true;
      writer.flush();
      link.close(1000, 'proxy closing');
      closeClients(1001, 'proxy closing');
      for (const server of servers) await server.close();
    },
  };
}

function connectLink(url: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url}?pid=${process.pid}`, [LINK_PROTOCOL]);
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`Cannot open the proxy link to ${url}.`));
  });
}

/** Every plain HTTP request goes on to the router process, as it came. */
function forwardingApp(backendUrl: string): Hono {
  const app = new Hono();
  app.all('*', async (c) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    for (const name of ['host', 'connection', 'content-length', 'transfer-encoding']) headers.delete(name);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    try {
      const response = await fetch(`${backendUrl}${url.pathname}${url.search}`, { method: request.method, headers, body, redirect: 'manual' });
      return new Response(response.body, { status: response.status, headers: response.headers });
    } catch (error) {
      return c.text(`The router process did not answer: ${(error as Error).message}`, 502);
    }
  });
  return app;
}
