// The simulator as a network service: a crossbar stand-in on one port.
// WebSocket paths carry WAMP (JSON, msgpack or CBOR, plain or batched) into the
// in-process Router with the path's role; caller/publisher paths are the
// HTTP bridge; a nodeinfo path answers readiness probes. Role permissions
// from a crossbar config.json plug into the Router's authorize hook.

import { Hono } from 'hono';
import { DEFAULT_MAX_MESSAGE_BYTES, type RunningServer, serve, type ServerSocket } from '../../src/runtime/serve.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { Router } from '../router/index.ts';
import type { CrossbarConfig, PathConfig, TransportConfig } from './crossbar-config.ts';
import { type BridgeStats, callerPath, publisherPath } from './http-bridge.ts';
import { authorizeByRoles } from './permissions.ts';
import { chooseSerializer, SERIALIZERS } from '../../src/wamp/serializers/index.ts';
import { SocketTransport } from './socket-transport.ts';
import { joinBatched } from '../../src/wamp/serializers/serializer.ts';

export interface EndpointOptions {
  /** crossbar config; its first web transport is served. Without one: `defaultTransport()`. */
  config?: CrossbarConfig;
  /** Serve on this router (default: a new one; its realms and permissions come from the config). */
  router?: Router;
  /** Default '127.0.0.1', whatever the config says: tests only listen on loopback. */
  host?: string;
  /** Overrides the config's port; 0 picks a free one. */
  port?: number;
  /** Without a config: the WAMP path (default '/ws') and realm (default 'test_realm'). */
  path?: string;
  realm?: string;
  /** Called if the HTTP bridge cannot rejoin after a router restart. */
  onBridgeError?: (error: unknown) => void;
  /**
   * Largest WebSocket message, in bytes (default: the config's max_message_size, else crossbar's 16 MiB; 0: none).
   * As in crossbar, a bigger one received costs its connection (1009); a bigger one to send is refused
   * (a call result: the caller gets wamp.error.invalid_argument).
   */
  maxMessageBytes?: number;
  /** Most bytes queued for a connection that does not read (default 8 MiB); past it, that connection is closed. */
  maxSendBufferBytes?: number;
  /** More fields for the nodeinfo path's answer (e.g. `ocs-sim router --proxies N` adds its proxies). */
  nodeInfo?: () => Record<string, unknown>;
}

export interface EndpointStats extends BridgeStats {
  connectionsOpened: number;
  connectionsOpen: number;
  /** Upgrades refused: no offered subprotocol this endpoint speaks. */
  refusedUpgrades: number;
  /** Frames that were not WAMP in the negotiated serializer (connection closed). */
  badFrames: number;
  /** Connections closed for breaking WebSocket rules or limits (e.g. too big), or by a handler failure. */
  socketErrors: number;
  /** Connections closed because they did not read what was sent to them (send buffer over the bound). */
  backpressureCloses: number;
}

export interface SimEndpoint {
  readonly router: Router;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** ws://host:port/<first websocket path> */
  readonly wsUrl: string;
  /** The paths served, with their resolved URLs. */
  readonly paths: ReadonlyArray<PathConfig & { url: string }>;
  readonly stats: EndpointStats;
  /** GOODBYE to every session, then close every connection and stop listening. */
  close(): Promise<void>;
}

/** The OCS layout (ws, call, publish, info) with no permissions: everything is allowed. */
export function defaultTransport(path = '/ws', realm = 'test_realm'): TransportConfig {
  return {
    port: 8001,
    paths: [
      { type: 'websocket', path, role: 'iocs_agent' },
      { type: 'caller', path: '/call', realm, role: 'iocs_controller' },
      { type: 'publisher', path: '/publish', realm, role: 'iocs_controller' },
      { type: 'nodeinfo', path: '/info' },
    ],
  };
}

export async function startEndpoint(options: EndpointOptions = {}): Promise<SimEndpoint> {
  const config = options.config;
  const transport = config ? config.transports[0] : defaultTransport(options.path, options.realm);
  if (!transport) throw new Error('The crossbar config has no web or websocket transport to serve.');
  const ownsRouter = options.router === undefined;
  const router = options.router ?? new Router({
    realms: config ? config.realms.map((r) => r.name) : [options.realm ?? 'test_realm'],
    // crossbar refuses realms it was not configured with.
    autoCreateRealms: config === undefined,
  });
  if (config) router.authorize = authorizeByRoles(config.realms);

  const stats: EndpointStats = {
    calls: 0,
    publishes: 0,
    badRequests: 0,
    connectionsOpened: 0,
    connectionsOpen: 0,
    refusedUpgrades: 0,
    badFrames: 0,
    socketErrors: 0,
    backpressureCloses: 0,
  };
  const app = new Hono();
  const sessions: WampSession[] = [];
  const roles = new Map<string, string>();
  for (const path of transport.paths) {
    if (path.type === 'websocket') {
      roles.set(path.path, path.role);
      app.all(path.path, (c) => c.text('This is a WAMP-over-WebSocket endpoint; connect with a WebSocket client.', 426));
    } else if (path.type === 'nodeinfo') {
      // While the router is down (a restart with downtime, or killed) readiness probes fail, as against a stopped crossbar.
      app.get(path.path, (c) => c.json({ ...nodeInfo(router, stats), ...options.nodeInfo?.() }, router.isDown ? 503 : 200));
    } else {
      const bridge = async () => {
        const session = await router.connect(path.realm, { authrole: path.role, authid: `http-${path.type}` });
        sessions.push(session);
        return path.type === 'caller' ? callerPath(session, stats) : publisherPath(session, stats);
      };
      let handler = await bridge();
      // A restarted router drops every session, the bridge's too: join again, as crossbar's bridge does.
      router.onRestart(() => {
        bridge().then((next) => void (handler = next), (error: unknown) => options.onBridgeError?.(error));
      });
      app.all(path.path, (c) => handler(c.req.raw));
    }
  }

  const open = new Set<SocketTransport>();
  // crossbar's max_message_size: the option, else the first WebSocket path's, else crossbar's default; 0 is no limit.
  const configured = transport.paths.find((p) => p.type === 'websocket')?.maxMessageBytes;
  const maxMessageBytes = options.maxMessageBytes ?? configured ?? DEFAULT_MAX_MESSAGE_BYTES;
  let server: RunningServer;
  try {
    server = await serve(app, {
      port: options.port ?? transport.port,
      hostname: options.host ?? '127.0.0.1',
      websocket: {
        paths: [...roles.keys()],
        maxMessageBytes: maxMessageBytes > 0 ? maxMessageBytes : 2 ** 31,
        maxSendBufferBytes: options.maxSendBufferBytes,
        selectProtocol(offered) {
          const serializer = chooseSerializer(offered);
          if (!serializer) stats.refusedUpgrades++;
          return serializer?.protocol ?? null;
        },
        open(socket: ServerSocket, request: Request) {
          const serializer = SERIALIZERS.get(socket.protocol);
          if (!serializer) throw new Error(`No serializer for subprotocol "${socket.protocol}".`);
          const role = roles.get(new URL(request.url).pathname) ?? 'anonymous';
          const wamp = new SocketTransport(socket, serializer, { type: 'websocket', authrole: role }, {
            badFrame: () => stats.badFrames++,
            maxMessageBytes,
          });
          stats.connectionsOpened++;
          stats.connectionsOpen++;
          open.add(wamp);
          router.attach(wamp);
          return {
            message: wamp.handlers.message,
            close(code, reason) {
              stats.connectionsOpen--;
              open.delete(wamp);
              wamp.handlers.close(code, reason);
            },
          };
        },
        // Batched serializers: what one turn sends a connection goes as one message (fewer frames, writes and wake-ups).
        joinMessages: (protocol) => protocol.endsWith('.batched') ? joinBatched : null,
        onSocketError: () => void stats.socketErrors++,
        onBackpressure: () => void stats.backpressureCloses++,
      },
    });
  } catch (error) {
    for (const session of sessions) await session.leave().catch(() => {});
    throw error;
  }

  const wsPath = [...roles.keys()][0] ?? '/';
  const base = server.url;
  let closing: Promise<void> | undefined;
  return {
    router,
    port: server.port,
    url: base,
    wsUrl: `${base.replace(/^http/, 'ws')}${wsPath}`,
    paths: transport.paths.map((p) => ({ ...p, url: `${p.type === 'websocket' ? base.replace(/^http/, 'ws') : base}${p.path}` })),
    stats,
    close() {
      closing ??= (async () => {
        if (ownsRouter) {
          router.close(); // GOODBYE to every session, the bridge's included
        } else {
          for (const wamp of [...open]) wamp.close('wamp.close.system_shutdown');
          for (const session of sessions) if (session.isOpen) await session.leave('wamp.close.system_shutdown').catch(() => {});
        }
        await server.close();
      })();
      return closing;
    },
  };
}

function nodeInfo(router: Router, stats: EndpointStats): Record<string, unknown> {
  return {
    node: 'ocs-sim',
    description: 'crossbar stand-in from ocs-registry (in-process WAMP router)',
    realms: router.realmNames.map((name) => ({ name, sessions: router.sessionCount(name) })),
    connections: stats.connectionsOpen,
    router: router.stats,
  };
}
