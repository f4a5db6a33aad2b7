// The one HTTP + WebSocket serving seam for the whole project (simulator
// endpoint and registry HTTP API). It picks the runtime's server at run time;
// the per-runtime files (serve-bun.ts, serve-deno.ts, serve-node.ts) only
// start a listener and move bytes. Everything they share lives here:
// subprotocol choice, guarded handlers, the size limit, bookkeeping of open
// sockets so close() can end them.

/** Anything with a WHATWG fetch handler: a hono app, or a plain object. */
export interface FetchApp {
  // deno-lint-ignore no-explicit-any -- each runtime passes its own server and context objects here
  fetch(request: Request, ...rest: any[]): Response | Promise<Response>;
}

/** One accepted WebSocket connection, as the application sees it. */
export interface ServerSocket {
  /** The subprotocol agreed in the handshake ('' if none). */
  readonly protocol: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
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
   * Choose the subprotocol from those the client offered, in the client's
   * order: a name to answer with, '' for none, or null to refuse with 400.
   */
  selectProtocol(offered: readonly string[], request: Request): string | null;
  /** A connection opened on one of `paths`; return its handlers. */
  open(socket: ServerSocket, request: Request): SocketHandlers;
  /** A handler threw or a connection broke the rules (e.g. too big); the connection was closed. */
  onSocketError?(error: unknown): void;
}

export interface ServeOptions {
  /** 0 picks a free port; the real one is in the result. */
  port: number;
  hostname: string;
  websocket?: WebSocketRoute;
}

export interface RunningServer {
  readonly port: number;
  /** e.g. http://127.0.0.1:8001 (no trailing slash). */
  readonly url: string;
  /** Stop listening and end every open connection, WebSockets included. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

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
export class GuardedSocket {
  readonly #route: WebSocketRoute;
  readonly #socket: ServerSocket;
  readonly #limit: number;
  /** The adapter's set of open sockets, for close(). */
  readonly #registry: Set<GuardedSocket>;
  #handlers: SocketHandlers | null = null;
  #closed = false;

  constructor(route: WebSocketRoute, socket: ServerSocket, request: Request, registry: Set<GuardedSocket>) {
    this.#route = route;
    this.#socket = socket;
    this.#limit = route.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#registry = registry;
    registry.add(this);
    try {
      this.#handlers = route.open(socket, request);
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

  #fail(error: unknown, code: number, reason: string): void {
    try {
      this.#route.onSocketError?.(error);
    } catch {
      // the error reporter itself must not escape either
    }
    this.#closeSocket(code, reason);
  }

  #closeSocket(code: number, reason: string): void {
    this.#closed = true;
    try {
      this.#socket.close(code, reason);
    } catch {
      // already closed
    }
  }
}
