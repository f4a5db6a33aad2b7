// The proxy's client side on Bun, written by hand over Bun.serve: each
// connection's `data` is its link id, so a client frame goes to the link
// with no object of ours in between. Through serve() (GuardedSocket, its
// handlers and their closure) every heartbeat walks a chain of per-connection
// objects that are cold by the time the agent beats again (perf: ~20% of the
// proxy's CPU in the two `message` functions, at the loads of those objects).
// Measured, 5,000 JSON agents of a swarm through one Bun proxy (load 1.4-2.0,
// three interleaved pairs): 11.2 / 10.2 / 10.2 µs of proxy CPU per heartbeat
// through serve(), 9.4 / 9.2 / 8.6 µs here. Same behaviour as serve() on Bun
// for the proxy's clients: subprotocol choice, the size limit (Bun's own,
// counted as a socket error), the bounded send buffer (the connection is
// dropped and counted), every other request to the app; a throw costs only
// its connection.

import {
  BACKPRESSURE_CLOSE_CODE,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_SEND_BUFFER_BYTES,
  type FetchApp,
  type RunningServer,
  type ServerSocket,
  type WebSocketRoute,
} from '../../src/runtime/serve.ts';
import { bunServeOptions } from '../../src/runtime/serve-bun.ts';
import { type Flushable, flushSoon } from '../../src/runtime/send-batch.ts';
import { runtimeDropLimit, SendBound, sizeOf } from '../../src/runtime/send-bound.ts';

/** What one turn sends a client is written at once, or as soon as this much waits. */
const FLUSH_AT_BYTES = 64 * 1024;

/** What the proxy does with its clients' connections, by link id. */
export interface ProxyClientEvents {
  /** A client connected on `path`; returns its link id. */
  opened(socket: ServerSocket, path: string): number;
  frame(id: number, data: string | Uint8Array): void;
  /** Its connection ended (called once; later calls for the id are ignored by the proxy). */
  closed(id: number, code: number, reason: string): void;
}

interface BunSocket {
  /** Before open: what the upgrade chose; from open on: the link id. */
  data: { protocol: string; path: string } | number;
  send(data: string | Uint8Array): number;
  cork(sends: () => void): void;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

export function serveProxyClientsBun(
  app: FetchApp,
  options: { port: number; hostname: string; reusePort: boolean; websocket: WebSocketRoute },
  events: ProxyClientEvents,
): RunningServer {
  const Bun = (globalThis as unknown as { Bun: { serve(options: Record<string, unknown>): BunServer } }).Bun;
  const route = options.websocket;
  const sendLimit = route.maxSendBufferBytes ?? DEFAULT_MAX_SEND_BUFFER_BYTES;
  const messageLimit = route.maxMessageBytes || DEFAULT_MAX_MESSAGE_BYTES;
  const open = new Map<number, BunSocket>();
  const report = (error: unknown) => {
    try {
      route.onSocketError?.(error);
    } catch {
      // reporting must not escape
    }
  };

  /**
   * A client's end. What one turn sends it (a link batch's records for it, e.g. the events to a
   * registry) goes as one WebSocket message where its serializer is batched (route.joinMessages,
   * as the endpoint does), else with one write (cork), as serve() does on Bun.
   */
  function clientSocket(ws: BunSocket, protocol: string, id: () => number): ServerSocket {
    let closed = false;
    const bound = new SendBound(sendLimit);
    const join = route.joinMessages?.(protocol) ?? null;
    let pending: Array<string | Uint8Array> | null = null;
    let pendingBytes = 0;
    const overflow = (queued: number) => {
      closed = true;
      const reason = queued === Infinity
        ? `send buffer full (${sendLimit} bytes): the peer is not reading`
        : `send buffer over ${sendLimit} bytes (${queued} queued): the peer is not reading`;
      ws.terminate();
      try {
        route.onBackpressure?.(reason);
      } catch {
        // reporting must not escape
      }
      // Not inside this send, which may be one of a loop over the link's records.
      queueMicrotask(() => events.closed(id(), BACKPRESSURE_CLOSE_CODE, reason));
    };
    const flush = () => {
      const frames = pending;
      const bytes = pendingBytes;
      pending = null;
      pendingBytes = 0;
      if (frames === null || closed) return;
      let sent = 0;
      let largest = 0;
      if (join !== null) {
        const joined = frames.length === 1 ? frames[0]! : join(frames, bytes);
        sent = ws.send(joined);
        largest = sizeOf(joined);
      } else {
        ws.cork(() => {
          for (let i = 0; i < frames.length; i++) {
            sent = ws.send(frames[i]!);
            largest = Math.max(largest, sizeOf(frames[i]!));
          }
        });
      }
      // > 0: written whole; -1: queued behind backpressure; 0: dropped. See send-bound.ts.
      const queued = sent > 0 ? 0 : sent === -1 ? ws.getBufferedAmount() : Infinity;
      if (bound.exceeded(queued, largest)) overflow(queued);
    };
    const batch: Flushable = { flush };
    return {
      protocol,
      send(data) {
        if (closed) return;
        const size = typeof data === 'string' ? data.length : data.byteLength;
        // A joined message stays within the size limit (a string's UTF-8 size is at most 3 bytes per unit).
        if (join !== null && pending !== null && (pendingBytes + size) * 3 > messageLimit) flush();
        if (pending === null) {
          pending = [];
          flushSoon(batch);
        }
        pending.push(data);
        pendingBytes += size;
        if (pendingBytes >= FLUSH_AT_BYTES) flush();
      },
      close(code = 1000, reason = '') {
        if (!closed) flush(); // what was sent before the close goes first
        closed = true;
        try {
          ws.close(code, reason);
        } catch {
          // already closed
        }
      },
    };
  }

  const server = Bun.serve({
    ...bunServeOptions(app, options, (protocol, request): BunSocket['data'] => ({ protocol, path: new URL(request.url).pathname })),
    websocket: {
      ...(route.maxMessageBytes ? { maxPayloadLength: route.maxMessageBytes } : {}),
      backpressureLimit: runtimeDropLimit(sendLimit, messageLimit),
      closeOnBackpressureLimit: false,
      open(ws: BunSocket) {
        const { protocol, path } = ws.data as { protocol: string; path: string };
        let id = 0;
        try {
          id = events.opened(clientSocket(ws, protocol, () => id), path);
        } catch (error) {
          report(error);
          ws.close(1011, 'internal error');
          return;
        }
        ws.data = id;
        open.set(id, ws);
      },
      message(ws: BunSocket, data: string | Uint8Array) {
        try {
          events.frame(ws.data as number, data);
        } catch (error) {
          report(error);
          ws.close(1011, 'internal error');
        }
      },
      close(ws: BunSocket, code: number, reason: string) {
        if (typeof ws.data !== 'number') return;
        open.delete(ws.data);
        // Bun closes an oversized message's connection itself (1006, "Received too big message").
        if (/too big/i.test(reason)) report(new RangeError(`WebSocket closed: ${reason}`));
        try {
          events.closed(ws.data, code, reason);
        } catch (error) {
          report(error);
        }
      },
    },
  });
  const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
  return {
    port: server.port,
    url: `http://${host}:${server.port}`,
    async close() {
      for (const ws of [...open.values()]) ws.close(1001, 'server shutting down');
      await server.stop(true);
    },
  };
}
