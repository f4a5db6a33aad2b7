// The HTTP app: one hono app, runtime-agnostic, served by src/runtime's
// serve() on Bun, Deno and Node or exported as an edge worker. It only reads
// the registry; it owns the event stream's clients and three timers
// (keep-alive, lag probe, the agent list's refresh), all ended by `close()`.

import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Clock } from '../core/clock.ts';
import { VERSION } from '../core/version.ts';
import { type AgentChange, type LeadershipStatus, OP_CODE_NAMES, type RegistryView, type Rejection } from '../core/index.ts';
import { AgentListCache, type AgentListOptions, listStream } from './agent-list.ts';
import { matches, parseAgentQuery, singleValues } from './agent-query.ts';
import { agentView } from './agent-view.ts';
import { bearerToken } from './auth.ts';
import { BadRequest, quoted } from './bad-request.ts';
import { EventLog } from './event-log.ts';
import { EventStream } from './event-stream.ts';
import { type Transition, TransitionHistory } from '../core/transition-history.ts';
import type { ExpectedAgents } from '../core/expected.ts';
import { expectedReport, expectedView } from './expected-view.ts';
import { LagProbe } from './lag-probe.ts';
import { openApiDocument } from './openapi.ts';
import { MONITOR_PAGE } from './page.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
import { RegistryMetrics } from './registry-metrics.ts';
import { Transitions } from './transitions.ts';

/** What the app needs of the Registry Agent (src/registry/registry-agent.ts). */
export interface RegistrySource {
  readonly address: string;
  readonly registry: RegistryView;
  readonly ready: boolean;
  /** Joined to the router; subscribed to heartbeats; since when it has not been hearing them (null: it is). */
  readonly connected?: boolean;
  readonly subscribed?: boolean;
  readonly staleSince?: number | null;
  /** Whether the router gives the fast signal (wamp.session.on_leave), and why not. */
  readonly leaveSignal?: { readonly status: { readonly available: boolean; readonly detail: string }; readonly leaves: number };
  /** The agents the site config names (missing and unexpected come from it). */
  readonly expected?: ExpectedAgents;
  readonly operationsFeed: { readonly published: number };
  /** Leader, standby or the only registry at its address (hot standby, --standby). */
  readonly leadershipStatus?: LeadershipStatus;
  /** Where the agents' transitions are kept (the Registry Agent's, saved with the state file); the app records into it. */
  readonly history?: TransitionHistory;
  onChange(listener: (change: AgentChange) => void): () => void;
  onRejected(listener: (rejection: Rejection) => void): () => void;
}

export interface HttpDeps {
  registryAgent: RegistrySource;
  clock: Clock;
  /** If set, /api, /metrics and the page need `Authorization: Bearer <token>` (or ?access_token=). */
  token?: string | null;
  /** Allowed origins for CORS ('*' for any); no CORS headers when unset. */
  corsOrigins?: string | readonly string[] | null;
  /** Events kept for Last-Event-ID resume; a client further behind is dropped. Default 20000. */
  eventBufferSize?: number;
  /**
   * Recent transitions kept per agent, and agents with a history at most. When either is given the app keeps
   * its own history with these bounds (defaults 20 and 10000); else it records into the source's history.
   */
  historyPerAgent?: number;
  historyMaxAgents?: number;
  maxEventClients?: number;
  /** Keep-alive comment interval on idle event streams; 0 disables. Default 15000. */
  keepAliveMs?: number;
  /** Event-loop lag probe interval; 0 disables. Default 500. */
  lagProbeMs?: number;
  rejectedEventsPerSecond?: number;
  /** Shown in /openapi.json and /api/status. */
  version?: string;
  /** How GET /api/agents keeps its entries' JSON warm. */
  agentList?: AgentListOptions;
}

export interface HttpAppExtras {
  /** End every event stream, stop the timers and detach from the registry. Idempotent. */
  close(): void;
  readonly events: { readonly log: EventLog; readonly stream: EventStream; readonly history: TransitionHistory };
}

export type HttpApp = Hono & HttpAppExtras;

export function createHttpApp(deps: HttpDeps): HttpApp {
  const { registryAgent: source, clock } = deps;
  const registry = source.registry;
  const version = deps.version ?? VERSION;
  const log = new EventLog(deps.eventBufferSize ?? 20_000, Math.round(clock.now() * 1000).toString(36));
  const stream = new EventStream(log, { clock, keepAliveMs: deps.keepAliveMs, maxClients: deps.maxEventClients });
  const ownHistory = deps.historyPerAgent !== undefined || deps.historyMaxAgents !== undefined || source.history === undefined;
  const history = ownHistory ? new TransitionHistory(deps.historyPerAgent ?? 20, deps.historyMaxAgents ?? 10_000) : source.history!;
  const transitions = new Transitions({ log, stream, history, clock, rejectedPerSecond: deps.rejectedEventsPerSecond });
  const health = () => ({
    connected: source.connected ?? source.ready,
    subscribed: source.subscribed ?? source.ready,
    stale_since: source.staleSince ?? null,
    event_loop_lag: lag.lag,
  });
  const lag = new LagProbe(clock, deps.lagProbeMs ?? 500);
  const metrics = new RegistryMetrics({
    registry,
    ready: () => source.ready,
    health,
    damped: () => transitions.damped,
    expected: source.expected,
    fastSignal: () => source.leaveSignal?.status.available ?? false,
    now: () => clock.now(),
    published: () => source.operationsFeed.published,
    leadership: () => source.leadershipStatus ?? SINGLE,
    stream: stream.stats,
    events: transitions.counts,
    lag: () => lag.takeMax(),
  });
  const list = new AgentListCache(registry, clock, deps.agentList);
  const detach = [source.onChange(transitions.onChange), source.onRejected(transitions.onRejected)];
  lag.start();

  const app = new Hono();
  if (deps.corsOrigins) {
    const origin = typeof deps.corsOrigins === 'string' ? deps.corsOrigins : [...deps.corsOrigins];
    app.use('*', cors({ origin, allowMethods: ['GET', 'HEAD', 'OPTIONS'], allowHeaders: ['Authorization', 'Last-Event-ID'] }));
  }
  if (deps.token) {
    const auth = bearerToken(deps.token);
    app.use('/api/*', auth);
    app.use('/metrics', auth);
    app.use('/', auth);
  }

  // The process is up (200) whatever the router does; the body says how much it hears.
  app.get('/healthz', (c) => c.json({ status: 'ok', ...health() }));
  app.get(
    '/readyz',
    (c) => source.ready ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', error: 'Not joined to the router and subscribed to heartbeats' }, 503),
  );
  app.get('/openapi.json', (c) => c.json(openApiDocument(version)));

  app.get('/', (c) => {
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
    return c.html(MONITOR_PAGE);
  });

  app.get('/api/agents', (c) => {
    const q = parseAgentQuery(new URL(c.req.url));
    list.touch();
    const page: Uint8Array[] = [];
    let total = 0;
    for (const agent of registry.agents()) {
      if (!matches(agent, q)) continue;
      if (total >= q.offset && page.length < q.limit) page.push(list.entry(agent));
      total++;
    }
    const end = q.offset + page.length;
    const staleSince = source.staleSince ?? null;
    // Not hearing heartbeats: every row says since when its state may be out of date.
    if (staleSince !== null) { for (let i = 0; i < page.length; i++) page[i] = markedStale(page[i] as Uint8Array, staleSince); }
    const head = JSON.stringify({
      total,
      offset: q.offset,
      limit: q.limit,
      count: page.length,
      next_offset: end < total ? end : null,
      last_event_id: log.idOf(log.last),
      time: clock.now(),
      stale_since: staleSince,
    });
    // The cached entries are UTF-8 JSON already: streamed out, not parsed and encoded again.
    return c.body(listStream(head, page), 200, { 'Content-Type': 'application/json' });
  });

  app.get('/api/agents/:address', (c) => {
    singleValues(new URL(c.req.url), []);
    const address = c.req.param('address');
    const agent = registry.get(address);
    if (agent === undefined) throw new BadRequest(`No agent at ${quoted(address)}`, 404);
    const ops = agent.opNames.map((name, i) => {
      const code = agent.codeAt(i);
      return { name, code, code_name: OP_CODE_NAMES[code] ?? null, field: registry.fieldName(agent, name) };
    });
    const past = history.of(address);
    const detailed = ops.map((op) => ({ ...op, in_code_since: inCodeSince(op.name, op.code, past, agent.firstSeen) }));
    return c.json({
      ...agentView(agent, clock.now()),
      stale_since: source.staleSince ?? null,
      expected: expectedView(source.expected, address),
      ops: detailed,
      history: past,
    });
  });

  app.get('/api/events', (c) => {
    const params = singleValues(new URL(c.req.url), ['last_event_id']);
    if (stream.closed) return c.json({ error: 'The registry is shutting down' }, 503);
    if (stream.full) return c.json({ error: 'Too many event-stream clients; try again later' }, 503);
    const lastEventId = c.req.header('last-event-id') ?? params.get('last_event_id') ?? null;
    const body = stream.open(lastEventId);
    return new Response(body, {
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' },
    });
  });

  const leadership = (): LeadershipStatus => source.leadershipStatus ?? SINGLE;
  app.get('/api/registry', (c) => {
    singleValues(new URL(c.req.url), []);
    return c.json({ address: source.address, ...leadership() });
  });

  app.get('/api/status', (c) => {
    singleValues(new URL(c.req.url), []);
    return c.json({
      address: source.address,
      version,
      ready: source.ready,
      leadership: leadership(),
      time: clock.now(),
      ...health(),
      agents: {
        total: registry.size,
        alive: registry.size - registry.expiredCount,
        expired: registry.expiredCount,
        suspect: registry.suspectCount,
        flapping: registry.flappingCount,
      },
      max_agents: registry.maxAgents,
      agent_timeout: registry.agentTimeout,
      agent_timeout_by_class: registry.classTimeouts,
      fast_signal: source.leaveSignal ? { ...source.leaveSignal.status, leaves: source.leaveSignal.leaves } : null,
      suspect_after: registry.suspectAfter,
      forget_after: registry.forgetAfter === Number.POSITIVE_INFINITY ? null : registry.forgetAfter,
      counters: registry.counters,
      agent_operations_published: source.operationsFeed.published,
      events: { last_event_id: log.idOf(log.last), buffered: log.last - log.first + 1, emitted: transitions.counts, ...stream.stats },
      event_loop_lag: lag.lag,
    });
  });

  app.get('/api/expected', (c) => {
    singleValues(new URL(c.req.url), []);
    return c.json(expectedReport(source.expected, registry, clock.now()));
  });

  app.get('/metrics', (c) => {
    singleValues(new URL(c.req.url), []);
    return c.body(metrics.render(), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  });

  app.notFound((c) => c.json({ error: `No such endpoint: ${c.req.method} ${quoted(new URL(c.req.url).pathname)}` }, 404));
  app.onError((err, c) => {
    if (err instanceof BadRequest) return c.json({ error: err.message }, err.status);
    return c.json({ error: `Internal error: ${err instanceof Error ? err.message : String(err)}` }, 500);
  });

  let closed = false;
  const extras: HttpAppExtras = {
    close() {
      if (closed) return;
      closed = true;
      for (const off of detach) off();
      stream.close();
      lag.stop();
      list.close();
    },
    events: { log, stream, history },
  };
  return Object.assign(app, extras);
}

const UTF8 = new TextEncoder();

/** A cached list entry (`{...}` as UTF-8) with `"stale_since": t` put first. */
function markedStale(entry: Uint8Array, since: number): Uint8Array {
  const head = UTF8.encode(`{"stale_since":${JSON.stringify(since)},`);
  const out = new Uint8Array(head.length + entry.length - 1);
  out.set(head);
  out.set(entry.subarray(1), head.length);
  return out;
}

/**
 * Since when op `name` has had `code`, from the agent's recent transitions
 * (newest last): the first of the newest run with that code. When the run
 * reaches the oldest one kept, that one's time (or first_seen if it is the join).
 */
function inCodeSince(name: string, code: number, past: readonly Transition[], firstSeen: number): number {
  let since = firstSeen;
  for (let i = past.length - 1; i >= 0; i--) {
    const t = past[i] as Transition;
    if (t.op_codes[name] !== code) break;
    since = t.at;
  }
  return since;
}

const SINGLE: LeadershipStatus = Object.freeze({ standby: false, role: 'single', since: 0, takeovers: 0, id: null, leader: null });
