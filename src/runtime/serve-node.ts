// Node adapter for serve(): @hono/node-server for HTTP, and the node:http
// 'upgrade' event with node-websocket.ts for WebSockets (the node-server
// helper would need the `ws` package).

import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { acceptHandshake, NodeWebSocket } from './node-websocket.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, type FetchApp, GuardedSocket, type RunningServer, type ServeOptions, upgradeFor } from './serve.ts';

export async function serveNode(app: FetchApp, options: ServeOptions): Promise<RunningServer> {
  const route = options.websocket;
  const open = new Set<GuardedSocket>();
  const upgraded = new Set<Duplex>();
  const server = createAdaptorServer({ fetch: (request, env) => app.fetch(request, env), hostname: options.hostname });

  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const request = toRequest(incoming);
    const upgrade = upgradeFor(route, request);
    if (upgrade === null || upgrade instanceof Response || !route) {
      const status = upgrade instanceof Response ? upgrade.status : 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!acceptHandshake(socket, incoming.headers, upgrade.protocol)) return;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    // deno-lint-ignore prefer-const -- set after the socket exists; frames in `head` may arrive before
    let guard: GuardedSocket | undefined;
    const ws = new NodeWebSocket(socket, head, route.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, {
      message: (data) => guard?.message(data),
      close: (code, reason) => guard?.closed(code, reason),
      violation: (code, reason) => guard?.violation(new Error(`WebSocket closed with ${code}: ${reason}`)),
    });
    const wrapped = {
      protocol: upgrade.protocol,
      send: (data: string | Uint8Array) => ws.send(data),
      close: (code?: number, reason?: string) => ws.close(code, reason),
    };
    guard = new GuardedSocket(route, wrapped, request, open);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
  return {
    port,
    url: `http://${host}:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const guard of [...open]) guard.close();
      // Upgraded sockets are no longer the HTTP server's; wait for their closing handshakes (bounded in NodeWebSocket).
      await Promise.all([...upgraded].map((socket) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed) resolve();
          else socket.once('close', () => resolve());
        })
      ));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
    },
  };
}

function toRequest(incoming: IncomingMessage): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${incoming.headers.host ?? 'localhost'}${incoming.url ?? '/'}`, { headers });
}
