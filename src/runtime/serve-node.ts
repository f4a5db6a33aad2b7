// Node adapter for serve(): @hono/node-server for HTTP, and the `ws`
// package's WebSocketServer (noServer) on node:http's 'upgrade' event. ws
// enforces the message size limit (1009) and UTF-8 of text frames; no
// permessage-deflate (WAMP messages are small, crossbar does not need it).
// Backpressure: ws's bufferedAmount (its queue plus the socket's) after each send.

import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type FetchApp,
  GuardedSocket,
  type RunningServer,
  type RuntimeSocket,
  type ServeOptions,
  settleWithin,
  upgradeFor,
} from './serve.ts';

/** How long shutdown waits for a peer's closing handshake before dropping it. */
const CLOSE_WAIT_MS = 1000;

export async function serveNode(app: FetchApp, options: ServeOptions): Promise<RunningServer> {
  const route = options.websocket;
  const open = new Set<GuardedSocket>();
  const sockets = new Set<WebSocket>();
  const server = createAdaptorServer({ fetch: (request, env) => app.fetch(request, env), hostname: options.hostname });
  /** The route's subprotocol choice per upgrade request, for ws's handleProtocols. */
  const chosen = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: route?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (_offered, incoming) => chosen.get(incoming) || false,
  });

  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const request = toRequest(incoming);
    const upgrade = upgradeFor(route, request);
    if (upgrade === null || upgrade instanceof Response || !route) {
      const status = upgrade instanceof Response ? upgrade.status : 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    chosen.set(incoming, upgrade.protocol);
    wss.handleUpgrade(incoming, socket, head, (ws) => {
      sockets.add(ws);
      const wrapped: RuntimeSocket = {
        protocol: upgrade.protocol,
        send(data) {
          ws.send(data);
          return ws.bufferedAmount;
        },
        close: (code?: number, reason?: string) => ws.close(code, reason),
        terminate: () => ws.terminate(),
      };
      const guard = new GuardedSocket(route, wrapped, request, open);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        guard.message(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data.toString('utf8'));
      });
      // ws closes the connection itself for a protocol error, a bad UTF-8 text or a too-big message (1009).
      ws.on('error', (error: Error) => guard.violation(error));
      ws.on('close', (code: number, reason: Buffer) => {
        sockets.delete(ws);
        guard.closed(code, reason.toString('utf8'));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // reusePort: Node >= 22.12 / 23.1.
    server.listen({ port: options.port, host: options.hostname, ...(options.reusePort ? { reusePort: true } : {}) }, () => {
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
      const closing = [...sockets].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      for (const guard of [...open]) guard.close();
      // Upgraded sockets are no longer the HTTP server's; a peer that never answers the close is dropped.
      await settleWithin(closing, CLOSE_WAIT_MS);
      for (const ws of sockets) ws.terminate();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      wss.close();
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
