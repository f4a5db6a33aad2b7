// The one HTTP + WebSocket serving seam for the whole project (simulator
// endpoint and registry HTTP API). It picks the runtime's server at run time;
// the per-runtime files (serve-bun.ts, serve-deno.ts, serve-node.ts) only
// start a listener and move bytes. Everything they share lives here:
// subprotocol choice, guarded handlers, the size limit, backpressure (a
// bounded send buffer per connection), bookkeeping of open sockets so close()
// can end them.

import { type Flushable, flushSoon } from './send-batch.ts';
import { SendBound, sizeOf } from './send-bound.ts';

/** Anything with a WHATWG fetch handler: a hono app, or a plain object. */
export interface FetchApp {
  // deno-lint-ignore no-explicit-any -- each runtime passes its own server and context objects here
  fetch(request: Request, ...rest: any[]): Response | Promise<Response>;
}

/** One accepted WebSocket connection, as the application sees it. */
export interface ServerSocket {
  /** The subprotocol agreed in the handshake ('' if none). */
  readonly protocol: string;
  /** Queue one message; past the route's send buffer bound the connection is closed instead (see onBackpressure). */
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** What a runtime adapter hands to GuardedSocket: like ServerSocket, but send says how much is still queued. */
export interface RuntimeSocket {
  readonly protocol: string;
  /** Send one message; returns the bytes still queued for this connection afterwards (Infinity if the runtime dropped it). */
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  /** Drop the connection at once, no closing handshake (it could not pass a full buffer anyway); else close() is used. */
  terminate?(): void;
  /** Run `sends` with writes held back, then write what they queued at once (Bun's cork). With it, sends are batched per turn. */
  cork?(sends: () => void): void;
}

/** What handles one connection. Runs guarded: a throw closes only that connection (1011). */
export interface SocketHandlers {
  message(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

/** WebSocket upgrades on a set of paths; every other request goes to the app. */
export interface WebSocketRoute {
  readonly paths: readonly string[];
  /** Largest message accepted, in bytes; a bigger one closes that connection with 1009. Default 16 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Most bytes queued for one connection that is not reading fast enough,
   * besides the largest message still waiting (so one message of any
   * accepted size always goes, with what is sent behind it while it drains;
   * see send-bound.ts); past it the connection is closed (1008, with the
   * reason) and onBackpressure is called. Default 8 MiB.
   */
  readonly maxSendBufferBytes?: number;
  /**
   * Choose the subprotocol from those the client offered, in the client's
   * order: a name to answer with, '' for none, or null to refuse with 400.
   */
  selectProtocol(offered: readonly string[], request: Request): string | null;
  /** A connection opened on one of `paths`; return its handlers. */
  open(socket: ServerSocket, request: Request): SocketHandlers;
  /** A handler threw or a connection broke the rules (e.g. too big); the connection was closed. */
  onSocketError?(error: unknown): void;
  /** A connection's send buffer passed maxSendBufferBytes; it was closed with `reason`. */
  onBackpressure?(reason: string): void;
  /**
   * For a subprotocol whose messages may be joined into one WebSocket message
   * (WAMP's batched serializers: each message carries its own delimiter or
   * length prefix), the function that joins them; else null. Those sent in
   * one turn of the loop then go as one message, up to a bound and never
   * over maxMessageBytes, on every runtime.
   */
  joinMessages?(protocol: string): JoinMessages | null;
}

/** Several messages of one connection as one (`size`: their total length). */
export type JoinMessages = (messages: readonly (string | Uint8Array)[], size: number) => string | Uint8Array;

export interface ServeOptions {
  /** 0 picks a free port; the real one is in the result. */
  port: number;
  hostname: string;
  websocket?: WebSocketRoute;
  /**
   * Share the port with other processes that also ask for it (SO_REUSEPORT; the
   * kernel spreads new connections over them). Linux; Bun.serve and Node's
   * listen have it, Deno.serve only with --unstable-net.
   */
  reusePort?: boolean;
}

export interface RunningServer {
  readonly port: number;
  /** e.g. http://127.0.0.1:8001 (no trailing slash). */
  readonly url: string;
  /** Stop listening and end every open connection, WebSockets included. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_SEND_BUFFER_BYTES = 8 * 1024 * 1024;
/** Batched sends are written once per turn, or as soon as this much is waiting. */
const FLUSH_AT_BYTES = 64 * 1024;
/** Close code for a peer that does not read (RFC 6455 1008, policy violation). */
export const BACKPRESSURE_CLOSE_CODE = 1008;

/** Wait for `promises`, but no longer than `ms` (a peer that never finishes its close handshake must not hang shutdown). */
export async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}

/** Serve `app` (and `options.websocket`) on Bun, Deno or Node, whichever is running. */
export async function serve(app: FetchApp, options: ServeOptions): Promise<RunningServer> {
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
  if (runtime.Bun !== undefined) return (await import('./serve-bun.ts')).serveBun(app, options);
  if (runtime.Deno !== undefined) return (await import('./serve-deno.ts')).serveDeno(app, options);
  return (await import('./serve-node.ts')).serveNode(app, options);
}

// ---- shared by the per-runtime adapters ------------------------------------

/** The subprotocols a client offered, in its order. */
export function offeredProtocols(header: string | null | undefined): string[] {
  if (!header) return [];
  return header.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** The route's upgrade decision for a request, or null if it is not an upgrade to one of its paths. */
export function upgradeFor(route: WebSocketRoute | undefined, request: Request): { protocol: string } | Response | null {
  if (!route || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return null;
  if (!route.paths.includes(new URL(request.url).pathname)) return null;
  let protocol: string | null;
  try {
    protocol = route.selectProtocol(offeredProtocols(request.headers.get('sec-websocket-protocol')), request);
  } catch (error) {
    route.onSocketError?.(error);
    protocol = null;
  }
  if (protocol === null) return new Response('No WebSocket subprotocol offered that this server speaks.', { status: 400 });
  return { protocol };
}

/**
 * A live connection seen by the adapter: it feeds raw events in, and every
 * call is guarded, so a bug in the application never reaches the runtime
 * (a throw in a Bun/Deno WebSocket handler takes the whole server down).
 */
export class GuardedSocket implements Flushable {
  readonly #route: WebSocketRoute;
  readonly #socket: RuntimeSocket;
  readonly #limit: number;
  readonly #sendLimit: number;
  readonly #bound: SendBound;
  /** The adapter's set of open sockets, for close(). */
  readonly #registry: Set<GuardedSocket>;
  #handlers: SocketHandlers | null = null;
  #closed = false;
  /** Closed for backpressure (the runtime's own close event then carries no news). */
  #overflowed = false;
  /** Frames waiting for this turn's flush (runtimes that cork, or joined messages), and their size. */
  #pending: Array<string | Uint8Array> | null = null;
  #pendingBytes = 0;
  /** Joins this subprotocol's messages into one WebSocket message, if they may be (route.joinMessages). */
  readonly #join: JoinMessages | null;

  constructor(route: WebSocketRoute, socket: RuntimeSocket, request: Request, registry: Set<GuardedSocket>) {
    this.#route = route;
    this.#socket = socket;
    this.#limit = route.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#sendLimit = route.maxSendBufferBytes ?? DEFAULT_MAX_SEND_BUFFER_BYTES;
    this.#bound = new SendBound(this.#sendLimit);
    this.#registry = registry;
    this.#join = route.joinMessages?.(socket.protocol) ?? null;
    registry.add(this);
    const app: ServerSocket = {
      protocol: socket.protocol,
      send: (data) => this.#send(data),
      close: (code, reason) => this.#closeSocket(code ?? 1000, reason ?? ''),
    };
    try {
      this.#handlers = route.open(app, request);
    } catch (error) {
      this.#fail(error, 1011, 'internal error');
    }
  }

  message(data: string | Uint8Array | ArrayBuffer): void {
    if (this.#closed || !this.#handlers) return;
    const payload = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // String length is a lower bound for its UTF-8 size: good enough for a guard.
    const size = typeof payload === 'string' ? payload.length : payload.byteLength;
    if (size > this.#limit) {
      this.#fail(new RangeError(`A WebSocket message of ${size} bytes exceeds the limit of ${this.#limit} bytes.`), 1009, 'message too big');
      return;
    }
    try {
      this.#handlers.message(payload);
    } catch (error) {
      this.#fail(error, 1011, 'internal error');
    }
  }

  /** The connection ended (either side); call once from the runtime's close event. */
  closed(code: number, reason: string): void {
    this.#registry.delete(this);
    // Closed for backpressure: the application hears that reason, on its own microtask.
    if (this.#overflowed) return;
    this.#deliverClose(code, reason);
  }

  #deliverClose(code: number, reason: string): void {
    if (this.#closed && !this.#handlers) return;
    this.#closed = true;
    const handlers = this.#handlers;
    this.#handlers = null;
    try {
      handlers?.close(code, reason);
    } catch (error) {
      this.#route.onSocketError?.(error);
    }
  }

  /** Server shutdown. */
  close(code = 1001, reason = 'server shutting down'): void {
    this.#closeSocket(code, reason);
  }

  /** The runtime closed the connection for breaking the rules (bad frame, too big): report it. */
  violation(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#route.onSocketError?.(error);
    } catch {
      // reporting must not escape
    }
  }

  /** Hot path: one message out, and the backpressure bound. */
  #send(data: string | Uint8Array): void {
    if (this.#closed) return;
    const size = typeof data === 'string' ? data.length : data.byteLength;
    if (this.#socket.cork === undefined && this.#join === null) {
      const queued = this.#socket.send(data);
      if (this.#bound.exceeded(queued, size)) this.#overflow(queued);
      return;
    }
    // A joined message stays within the size limit (a string's UTF-8 size is at most 3 bytes per unit).
    if (this.#join !== null && this.#pending !== null && (this.#pendingBytes + size) * 3 > this.#limit) this.flush();
    if (this.#pending === null) {
      this.#pending = [];
      flushSoon(this);
    }
    this.#pending.push(data);
    this.#pendingBytes += size;
    // A long turn (thousands of messages in, under load) must not pile up here: past a chunk, write now.
    if (this.#pendingBytes >= FLUSH_AT_BYTES) this.flush();
  }

  /** Write the frames queued this turn: as one message where they may be joined, else with one write where the runtime corks. */
  flush(): void {
    const frames = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = null;
    this.#pendingBytes = 0;
    if (frames === null || this.#closed) return;
    const socket = this.#socket;
    let queued = 0;
    let largest = 0;
    if (this.#join !== null) {
      const joined = frames.length === 1 ? frames[0]! : this.#join(frames, bytes);
      queued = socket.send(joined);
      largest = sizeOf(joined);
    } else {
      socket.cork!(() => {
        for (let i = 0; i < frames.length; i++) {
          queued = socket.send(frames[i]!);
          largest = Math.max(largest, sizeOf(frames[i]!));
        }
      });
    }
    if (this.#bound.exceeded(queued, largest)) this.#overflow(queued);
  }

  #overflow(queued: number): void {
    this.#pending = null;
    const reason = queued === Infinity
      ? `send buffer full (${this.#sendLimit} bytes): the peer is not reading`
      : `send buffer over ${this.#sendLimit} bytes (${queued} queued): the peer is not reading`;
    this.#closed = true;
    this.#overflowed = true;
    try {
      if (this.#socket.terminate) this.#socket.terminate();
      else this.#socket.close(BACKPRESSURE_CLOSE_CODE, reason);
    } catch {
      // already gone
    }
    try {
      this.#route.onBackpressure?.(reason);
    } catch {
      // reporting must not escape
    }
    // The application hears of it now, not when the runtime gets round to it; but not inside
    // this send, which may be one of a loop over subscribers.
    queueMicrotask(() => this.#deliverClose(BACKPRESSURE_CLOSE_CODE, reason));
  }

  #fail(error: unknown, code: number, reason: string): void {
    try {
      this.#route.onSocketError?.(error);
    } catch {
      // the error reporter itself must not escape either
    }
    this.#closeSocket(code, reason);
  }

  #closeSocket(code: number, reason: string): void {
    if (!this.#closed) this.flush(); // what was sent before the close goes first
    this.#closed = true;
    try {
      this.#socket.close(code, reason);
    } catch {
      // already closed
    }
  }
}
