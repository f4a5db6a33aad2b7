// Bun adapter for serve(): Bun.serve with its native WebSocket. hono's
// hono/bun helper cannot set the answering subprotocol (Bun then echoes the
// first one offered), so the upgrade passes the header itself. Backpressure:
// Bun queues what the peer has not read up to backpressureLimit and drops
// sends past it (send() returns 0); GuardedSocket then closes the connection.

import { BUN_IDLE_TIMEOUT_SECONDS } from './idle-timeout.ts';
import { runtimeDropLimit } from './send-bound.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_SEND_BUFFER_BYTES,
  type FetchApp,
  GuardedSocket,
  type RunningServer,
  type RuntimeSocket,
  type ServeOptions,
  upgradeFor,
  type WebSocketRoute,
} from './serve.ts';

interface BunSocket {
  data: { guard?: GuardedSocket; protocol: string; request: Request };
  /** Bytes sent; -1: queued behind backpressure; 0: dropped (or closed). */
  send(data: string | Uint8Array): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  cork(callback: () => void): void;
}

interface BunServer {
  readonly port: number;
  upgrade(request: Request, options: { headers?: Record<string, string>; data: BunSocket['data'] }): boolean;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

interface BunApi {
  serve(options: Record<string, unknown>): BunServer;
}

/** Bun.serve's options for `options` (port, address, shared port, idle timeout) and a fetch that upgrades on the route's paths, the socket's data from `data`. */
export function bunServeOptions<Data>(
  app: FetchApp,
  options: Omit<ServeOptions, 'websocket'> & { websocket?: WebSocketRoute },
  data: (protocol: string, request: Request) => Data,
): Record<string, unknown> {
  const route = options.websocket;
  return {
    port: options.port,
    hostname: options.hostname,
    ...(options.reusePort ? { reusePort: true } : {}),
    idleTimeout: BUN_IDLE_TIMEOUT_SECONDS,
    fetch(request: Request, bun: { upgrade(request: Request, options: { headers?: Record<string, string>; data: Data }): boolean }) {
      const upgrade = upgradeFor(route, request);
      if (upgrade === null) return app.fetch(request, bun);
      if (upgrade instanceof Response) return upgrade;
      const headers = upgrade.protocol ? { 'Sec-WebSocket-Protocol': upgrade.protocol } : undefined;
      if (bun.upgrade(request, { headers, data: data(upgrade.protocol, request) })) return undefined;
      return new Response('WebSocket upgrade failed.', { status: 400 });
    },
  };
}

export function serveBun(app: FetchApp, options: ServeOptions): RunningServer {
  const Bun = (globalThis as unknown as { Bun: BunApi }).Bun;
  const route = options.websocket;
  const open = new Set<GuardedSocket>();
  const server = Bun.serve({
    ...bunServeOptions(app, options, (protocol, request): BunSocket['data'] => ({ protocol, request })),
    websocket: {
      // Bun enforces the limit itself (close 1009) before buffering a huge message.
      ...(route?.maxMessageBytes ? { maxPayloadLength: route.maxMessageBytes } : {}),
      // Above our bound (plus one largest message), so that GuardedSocket sees the overflow first and says why.
      backpressureLimit: runtimeDropLimit(
        route?.maxSendBufferBytes ?? DEFAULT_MAX_SEND_BUFFER_BYTES,
        route?.maxMessageBytes || DEFAULT_MAX_MESSAGE_BYTES,
      ),
      closeOnBackpressureLimit: false,
      open(ws: BunSocket) {
        if (!route) return ws.close(1011);
        const socket: RuntimeSocket = {
          protocol: ws.data.protocol,
          send(data) {
            const sent = ws.send(data);
            return sent > 0 ? 0 : sent === -1 ? ws.getBufferedAmount() : Infinity;
          },
          close: (code, reason) => ws.close(code, reason),
          terminate: () => ws.terminate(),
          cork: (sends) => ws.cork(sends),
        };
        ws.data.guard = new GuardedSocket(route, socket, ws.data.request, open);
      },
      message(ws: BunSocket, data: string | Uint8Array) {
        ws.data.guard?.message(data);
      },
      close(ws: BunSocket, code: number, reason: string) {
        // Bun closes an oversized message's connection itself (1006, "Received too big message").
        if (/too big/i.test(reason)) ws.data.guard?.violation(new RangeError(`WebSocket closed: ${reason}`));
        ws.data.guard?.closed(code, reason);
      },
    },
  });
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
  return {
    port: server.port,
    url: `http://${host}:${server.port}`,
    async close() {
      for (const socket of [...open]) socket.close();
      await server.stop(true);
    },
  };
}
