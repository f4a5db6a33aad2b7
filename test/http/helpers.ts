// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// Shared by the HTTP tests: the app on an in-process OCS network (FakeClock,
// no sleeping), raw heartbeats for exact control, and an SSE reader that
// never waits for an event that is not coming.

import { createHttpApp, type HttpApp, type HttpDeps } from '../../src/http/index.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { heartbeat, type HeartbeatSpec } from '../support/heartbeats.ts';
import { Network, type NetworkOptions, REALM } from '../support/network.ts';
import { settle } from '../support/settle.ts';

export interface HttpHarness {
  net: Network;
  app: HttpApp;
  /** One heartbeat from `observatory.{id}`, delivered. */
  beat(id: string, spec?: HeartbeatSpec): Promise<void>;
  /** A raw heartbeat event (topic and args as given), delivered. */
  raw(topic: string, args: unknown[]): Promise<void>;
  /** One heartbeat from each `observatory.{id}`, all published before waiting for delivery. */
  beatMany(ids: readonly string[], spec?: HeartbeatSpec): Promise<void>;
  json(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startHttp(options: Partial<HttpDeps> = {}, network: NetworkOptions = {}): Promise<HttpHarness> {
  const net = await Network.start(network);
  const app = createHttpApp({ registryAgent: net.registry, clock: net.clock, ...options });
  const publisher: WampSession = await net.router.connect(REALM);
  return {
    net,
    app,
    async beat(id, spec) {
      const [topic, args] = heartbeat(id, spec);
      publisher.publish(topic, args);
      await settle();
    },
    async beatMany(ids, spec) {
      const counters = net.registry.registry.counters;
      const target = counters.heartbeats + ids.length;
      for (const id of ids) publisher.publish(...heartbeat(id, spec));
      // The router's pump may yield to a macrotask when it has a lot to deliver.
      while (counters.heartbeats < target) await new Promise((resolve) => setTimeout(resolve, 0));
    },
    async raw(topic, args) {
      publisher.publish(topic, args);
      await settle();
    },
    async json(path, init) {
      const response = await app.request(path, init);
      return { status: response.status, body: await response.json(), headers: response.headers };
    },
    async stop() {
      app.close();
      await net.stop();
    },
  };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** Reads an SSE body; `take()` returns the events that are ready now, never blocking on one that is not. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  #buffer = '';
  done = false;

  constructor(response: Response) {
    if (!response.body) throw new Error('The response has no body');
    this.#reader = response.body.getReader();
  }

  /** Every complete event available now (comments and retry-only frames included as fields). */
  async take(): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (;;) {
      this.#pending ??= this.#reader.read();
      const next = await Promise.race([this.#pending, settle(20).then(() => null)]);
      if (next === null) break;
      this.#pending = null;
      if (next.done) {
        this.done = true;
        break;
      }
      this.#buffer += this.#decoder.decode(next.value, { stream: true });
      let end: number;
      while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
        events.push(parseFrame(this.#buffer.slice(0, end)));
        this.#buffer = this.#buffer.slice(end + 2);
      }
    }
    return events;
  }

  /** Only the named events (no retry hints or keep-alive comments). */
  async events(): Promise<SseEvent[]> {
    return (await this.take()).filter((e) => e.event !== undefined);
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parseFrame(frame: string): SseEvent {
  const event: SseEvent = {};
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = (colon < 0 ? line : line.slice(0, colon)) as keyof SseEvent;
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    event[field] = field === 'data' && event.data !== undefined ? `${event.data}\n${value}` : value;
  }
  return event;
}
