// Server-sent events over the EventLog. Each client is a pull-driven
// ReadableStream with no queue of its own: when its reader asks for more, it
// gets every event since its cursor in one chunk; when it is waiting, a new
// event is handed straight to the pending read. A client that stops reading
// is never written to, so it costs no memory; once the ring overwrites an
// event it has not read, it is dropped (its stream ends) and it can come back
// with Last-Event-ID, which is then answered with a `resync` event.

import type { Clock } from '../core/clock.ts';
import type { EventLog } from './event-log.ts';

const encoder = new TextEncoder();
const KEEPALIVE = encoder.encode(':\n\n');
const MAX_CHUNK_BYTES = 64 * 1024;

export interface EventStreamOptions {
  clock: Clock;
  /** A comment line to waiting clients this often, so proxies keep the connection (0: never). */
  keepAliveMs?: number;
  /** EventSource reconnect delay sent to clients. */
  retryMs?: number;
  maxClients?: number;
}

export interface EventStreamStats {
  clients: number;
  connected: number;
  dropped: number;
}

class Client {
  /** Sequence number of the next event to send. */
  cursor: number;
  /** Sent before any event: retry hint, maybe a resync notice. */
  preamble: Uint8Array | null;
  /** Set while a read is pending and there was nothing to send. */
  waiting = false;
  controller!: ReadableStreamDefaultController<Uint8Array>;

  constructor(cursor: number, preamble: Uint8Array) {
    this.cursor = cursor;
    this.preamble = preamble;
  }
}

/** Keep-alive comment interval on a quiet event stream (servers must let a request idle longer). */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

export class EventStream {
  readonly stats: EventStreamStats = { clients: 0, connected: 0, dropped: 0 };
  readonly #log: EventLog;
  readonly #clock: Clock;
  readonly #keepAliveMs: number;
  readonly #retryMs: number;
  readonly #maxClients: number;
  readonly #clients = new Set<Client>();
  #cancelKeepAlive: (() => void) | null = null;
  #closed = false;

  constructor(log: EventLog, options: EventStreamOptions) {
    this.#log = log;
    this.#clock = options.clock;
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.#retryMs = options.retryMs ?? 2_000;
    this.#maxClients = options.maxClients ?? 1_000;
  }

  get full(): boolean {
    return this.#clients.size >= this.#maxClients;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A new client's body stream. `lastEventId` (from the header or query) resumes
   * after that event; without one the client gets only new events. A client
   * that disconnects is noticed when the server cancels the stream (the request
   * signal is not used: Deno's legacy mode aborts it on normal completion too).
   */
  open(lastEventId: string | null): ReadableStream<Uint8Array> {
    const log = this.#log;
    let cursor = log.last + 1;
    let preamble = `retry: ${this.#retryMs}\n\n`;
    if (lastEventId !== null) {
      const resume = log.resumeAfter(lastEventId);
      if (typeof resume === 'number') cursor = resume + 1;
      else preamble += resyncFrame(log.idOf(log.last), resume);
    }
    const client = new Client(cursor, encoder.encode(preamble));
    const source: UnderlyingDefaultSource<Uint8Array> = {
      start: (controller) => {
        client.controller = controller;
      },
      pull: () => this.#pull(client),
      cancel: () => {
        this.#remove(client);
      },
    };
    const stream = new ReadableStream<Uint8Array>(source, { highWaterMark: 0 });
    this.#clients.add(client);
    this.stats.clients = this.#clients.size;
    this.stats.connected++;
    if (this.#closed) this.#end(client);
    else this.#startKeepAlive();
    return stream;
  }

  /** Called after each EventLog.append: serve waiting clients, drop those left behind. */
  published(): void {
    const first = this.#log.first;
    for (const client of this.#clients) {
      if (client.waiting) {
        client.waiting = false;
        this.#send(client);
      } else if (client.cursor < first) {
        this.stats.dropped++;
        this.#end(client);
      }
    }
  }

  /** End every stream (the app is shutting down) and refuse new ones. */
  close(): void {
    this.#closed = true;
    for (const client of [...this.#clients]) this.#end(client);
    this.#stopKeepAlive();
  }

  #pull(client: Client): void {
    if (!this.#clients.has(client)) return;
    if (client.cursor < this.#log.first) {
      this.stats.dropped++;
      this.#end(client);
    } else if (!this.#send(client)) {
      client.waiting = true;
    }
  }

  /** Enqueue what the client has not had yet; false if there was nothing. */
  #send(client: Client): boolean {
    const preamble = client.preamble;
    if (preamble !== null) {
      client.preamble = null;
      client.controller.enqueue(preamble);
      return true;
    }
    if (client.cursor > this.#log.last) return false;
    const { bytes, next } = this.#log.chunk(client.cursor, MAX_CHUNK_BYTES);
    client.cursor = next;
    client.controller.enqueue(bytes);
    return true;
  }

  #end(client: Client): void {
    if (!this.#remove(client)) return;
    try {
      client.controller.close();
    } catch {
      // already closed or cancelled by the reader
    }
  }

  #remove(client: Client): boolean {
    if (!this.#clients.delete(client)) return false;
    this.stats.clients = this.#clients.size;
    if (this.#clients.size === 0) this.#stopKeepAlive();
    return true;
  }

  #startKeepAlive(): void {
    if (this.#cancelKeepAlive !== null || this.#keepAliveMs <= 0) return;
    const tick = () => {
      for (const client of this.#clients) {
        if (client.waiting) {
          client.waiting = false;
          client.controller.enqueue(KEEPALIVE);
        }
      }
      this.#cancelKeepAlive = this.#clock.after(this.#keepAliveMs, tick);
    };
    this.#cancelKeepAlive = this.#clock.after(this.#keepAliveMs, tick);
  }

  #stopKeepAlive(): void {
    this.#cancelKeepAlive?.();
    this.#cancelKeepAlive = null;
  }
}

/** Tells a client it missed events and should reload the table; carries the newest id to resume from. */
function resyncFrame(lastId: string, reason: string): string {
  return `id: ${lastId}\nevent: resync\ndata: ${JSON.stringify({ reason })}\n\n`;
}
