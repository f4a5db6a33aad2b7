// The simulator's control API: what a test harness does to a crossbar
// container through the docker API (restart, stop, pause), and more (drop or
// partition one agent's sessions), over plain HTTP on its own loopback port.
// Documented in CONTROL.md; the pytest plugin (python/) is its client.

import { Hono } from 'hono';
import { type RunningServer, serve } from '../../src/runtime/serve.ts';
import type { Router } from '../router/index.ts';
import type { SimEndpoint } from './endpoint.ts';

/** A kill is a restart whose downtime never ends by itself (setTimeout's longest delay, ~24 days). */
const KILLED_MS = 2 ** 31 - 1;

export interface ControlOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface ControlServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The sessions of the agent at `agent` (an address such as observatory.fake-data1, or its instance id): those that registered it. */
function agentSessions(router: Router, agent: string): number[] {
  return router.sessions()
    .filter((s) => s.procedures.some((p) => p === agent || p.endsWith(`.${agent}`)))
    .map((s) => s.id);
}

async function body(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

function milliseconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > KILLED_MS) {
    throw new RangeError(`"${name}" must be a number of milliseconds from 0 to ${KILLED_MS}.`);
  }
  return value;
}

export function controlApp(endpoint: SimEndpoint): Hono {
  const router = endpoint.router;
  const app = new Hono();
  let paused: number[] = [];
  const partitions = new Map<string, { heal(): void }>();

  const status = () => ({
    url: endpoint.url,
    ws_url: endpoint.wsUrl,
    port: endpoint.port,
    serving: !router.isDown,
    paused: paused.length > 0,
    partitioned: [...partitions.keys()],
    realms: router.realmNames,
    sessions: router.sessions(),
  });

  app.onError((error, c) => c.json({ error: error.message }, error instanceof SyntaxError || error instanceof RangeError ? 400 : 500));
  app.get('/status', (c) => c.json(status()));
  app.post('/restart', async (c) => {
    const downMs = milliseconds((await body(c.req.raw)).down_ms, 'down_ms') ?? 0;
    partitions.clear();
    paused = [];
    router.restart({ downMs });
    return c.json(status());
  });
  app.post('/kill', (c) => {
    partitions.clear();
    paused = [];
    router.restart({ downMs: KILLED_MS });
    return c.json(status());
  });
  app.post('/start', (c) => {
    if (router.isDown) router.restart();
    return c.json(status());
  });
  app.post('/pause', (c) => {
    for (const session of router.sessions()) if (router.pauseSession(session.id)) paused.push(session.id);
    return c.json(status());
  });
  app.post('/resume', (c) => {
    for (const id of paused) router.resumeSession(id);
    paused = [];
    return c.json(status());
  });
  app.post('/drop', async (c) => {
    const agent = (await body(c.req.raw)).agent;
    const ids = typeof agent === 'string' ? agentSessions(router, agent) : router.sessions().map((s) => s.id);
    for (const id of ids) router.killSession(id);
    return c.json({ dropped: ids });
  });
  app.post('/partition', async (c) => {
    const request = await body(c.req.raw);
    if (typeof request.agent !== 'string') return c.json({ error: 'Say which agent: {"agent": "fake-data1"}.' }, 400);
    const ids = agentSessions(router, request.agent);
    if (ids.length === 0) return c.json({ error: `No session has registered agent "${request.agent}".` }, 404);
    partitions.get(request.agent)?.heal();
    partitions.set(request.agent, router.partition(ids, { durationMs: milliseconds(request.duration_ms, 'duration_ms') }));
    return c.json({ partitioned: ids });
  });
  app.post('/heal', async (c) => {
    const agent = (await body(c.req.raw)).agent;
    const names = typeof agent === 'string' ? [agent] : [...partitions.keys()];
    for (const name of names) {
      partitions.get(name)?.heal();
      partitions.delete(name);
    }
    return c.json(status());
  });
  return app;
}

export async function startControl(endpoint: SimEndpoint, options: ControlOptions): Promise<ControlServer> {
  const server: RunningServer = await serve(controlApp(endpoint), { port: options.port, hostname: options.host ?? '127.0.0.1' });
  return { url: server.url, port: server.port, close: () => server.close() };
}
