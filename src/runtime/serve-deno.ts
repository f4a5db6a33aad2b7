// Deno adapter for serve(): Deno.serve, and Deno.upgradeWebSocket with the
// subprotocol chosen by the route (hono/deno would echo the first offered).
// Backpressure: the socket's bufferedAmount after each send.

import { type FetchApp, GuardedSocket, type RunningServer, type RuntimeSocket, type ServeOptions, settleWithin, upgradeFor } from './serve.ts';

interface DenoServer {
  readonly addr: { port: number };
  shutdown(): Promise<void>;
}

interface DenoApi {
  serve(
    options: { port: number; hostname: string; reusePort?: boolean; onListen?: () => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): DenoServer;
  upgradeWebSocket(request: Request, options?: { protocol?: string }): { socket: WebSocket; response: Response };
}

export function serveDeno(app: FetchApp, options: ServeOptions): RunningServer {
  const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
  const route = options.websocket;
  const open = new Set<GuardedSocket>();
  const sockets = new Set<WebSocket>();
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname,
    ...(options.reusePort ? { reusePort: true } : {}),
    onListen: () => {},
  }, (request, info) => {
    const upgrade = upgradeFor(route, request);
    if (upgrade === null) return app.fetch(request, info);
    if (upgrade instanceof Response || !route) return upgrade as Response;
    // Deno checks `protocol` against the offer split on ", " exactly, and
    // autobahn-python offers "a,b" without spaces: set the header ourselves.
    const { socket, response } = Deno.upgradeWebSocket(request);
    if (upgrade.protocol) response.headers.set('sec-websocket-protocol', upgrade.protocol);
    socket.binaryType = 'arraybuffer';
    sockets.add(socket);
    let guard: GuardedSocket | undefined;
    socket.onopen = () => {
      const wrapped: RuntimeSocket = {
        protocol: upgrade.protocol,
        send(data) {
          socket.send(data as string | Uint8Array<ArrayBuffer>);
          return socket.bufferedAmount;
        },
        close: (code?: number, reason?: string) => socket.close(code, reason),
      };
      guard = new GuardedSocket(route, wrapped, request, open);
    };
    socket.onmessage = (event) => guard?.message(event.data as string | ArrayBuffer);
    socket.onclose = (event) => {
      sockets.delete(socket);
      guard?.closed(event.code, event.reason);
    };
    socket.onerror = () => {}; // onclose follows
    return response;
  });
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
  return {
    port: server.addr.port,
    url: `http://${host}:${server.addr.port}`,
    async close() {
      const closing = [...sockets].map((socket) =>
        new Promise<void>((resolve) => {
          socket.addEventListener('close', () => resolve());
          if (socket.readyState === WebSocket.CLOSED) resolve();
        })
      );
      for (const guard of [...open]) guard.close();
      for (const socket of sockets) if (socket.readyState === WebSocket.CONNECTING) socket.close();
      await settleWithin(closing, 1000);
      await server.shutdown();
    },
  };
}
