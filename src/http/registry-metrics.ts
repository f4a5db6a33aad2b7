// GET /metrics: the registry's state and counters in Prometheus text format.
// The per-agent series (ocs_agent_up, ocs_agent_op_code) are most of the
// output at scale (3.4 MB at 10k agents). They hold no time, so each agent's
// lines are kept as UTF-8 and rendered again only when its class, op names,
// codes or state change (an op change, an expiry: not every heartbeat), and
// the body streams from them (chunked-body.ts).

import type { ReadonlyAgent, RegistryView } from '../core/index.ts';
import { REJECTION_REASONS } from '../core/index.ts';
import type { ExpectedAgents } from '../core/expected.ts';
import { encodeAll, streamParts } from './chunked-body.ts';
import { escapeLabelValue, formatValue, labels, PrometheusWriter } from './prometheus.ts';

export interface MetricsSources {
  registry: RegistryView;
  /** Joined to the router and subscribed to heartbeats. */
  ready: () => boolean;
  health?: () => { connected: boolean; subscribed: boolean; stale_since: number | null };
  /** Events held back for flapping agents. */
  damped?: () => number;
  /** Whether the router gives wamp.session.on_leave. */
  fastSignal?: () => boolean;
  /** The agents the site config names. */
  expected?: ExpectedAgents;
  /** Registry time, for how long the table has been stale. */
  now?: () => number;
  /** agent_operations events published so far. */
  published: () => number;
  /** Hot standby: this registry's role and takeovers. */
  leadership?: () => { readonly role: string; readonly takeovers: number };
  stream: { clients: number; connected: number; dropped: number };
  events: Readonly<Record<string, number>>;
  /** Worst event-loop lag since the last scrape, seconds. */
  lag: () => number;
}

/** One agent's lines, and what they were rendered from. */
interface AgentLines {
  names: readonly string[];
  agentClass: string | null;
  up: string;
  ops: string[];
  upLine: Uint8Array | null;
  upExpired: boolean;
  opLines: Uint8Array | null;
  /** Packed codes the op lines show (NaN: more than 13 ops, rendered every time). */
  opCodes: number;
  opExpired: boolean;
}

const UTF8 = new TextEncoder();
const NOTHING = new Uint8Array(0);
const AGENT_UP = 'ocs_agent_up';
const AGENT_OP_CODE = 'ocs_agent_op_code';

export class RegistryMetrics {
  readonly #sources: MetricsSources;
  readonly #lines = new WeakMap<ReadonlyAgent, AgentLines>();

  constructor(sources: MetricsSources) {
    this.#sources = sources;
  }

  /** The whole exposition: the registry's families, then every agent's cached lines. */
  render(): ReadableStream<Uint8Array> {
    const agents = this.#sources.registry.agents();
    this.#renderStale(agents);
    const parts: Uint8Array[] = [this.#familyHead(AGENT_UP, 'gauge', 'Whether an agent is alive (1) or expired (0).')];
    for (const agent of agents) parts.push(this.#agentLines(agent).upLine as Uint8Array);
    parts.push(
      this.#familyHead(
        AGENT_OP_CODE,
        'gauge',
        'OCS OpCode of each agent operation: 1 none, 2 starting, 3 running, 4 stopping, 5 succeeded, 6 failed, 7 expired, 8 degraded.',
      ),
    );
    for (const agent of agents) parts.push(this.#agentLines(agent).opLines as Uint8Array);
    parts.push(UTF8.encode(this.#suspects(agents) + this.#missing()));
    return streamParts(UTF8.encode(this.#registryFamilies()), parts, -1, NOTHING);
  }

  /** Render the lines of agents whose class, op names, codes or state changed, all encoded at once. */
  #renderStale(agents: readonly ReadonlyAgent[]): void {
    const owners: AgentLines[] = [];
    const upLines: boolean[] = [];
    const texts: string[] = [];
    for (const agent of agents) {
      const lines = this.#agentLines(agent);
      const expired = agent.expired;
      if (lines.upLine === null || lines.upExpired !== expired) {
        lines.upExpired = expired;
        owners.push(lines);
        upLines.push(true);
        texts.push(`${AGENT_UP}${lines.up} ${expired ? 0 : 1}\n`);
      }
      const codes = agent.packedCodes;
      if (lines.opLines === null || lines.opCodes !== codes || lines.opExpired !== expired) {
        lines.opCodes = codes;
        lines.opExpired = expired;
        let text = '';
        for (let i = 0; i < lines.ops.length; i++) text += `${AGENT_OP_CODE}${lines.ops[i]} ${formatValue(agent.codeAt(i))}\n`;
        owners.push(lines);
        upLines.push(false);
        texts.push(text);
      }
    }
    const encoded = encodeAll(texts);
    for (let i = 0; i < owners.length; i++) {
      if (upLines[i]) (owners[i] as AgentLines).upLine = encoded[i] as Uint8Array;
      else (owners[i] as AgentLines).opLines = encoded[i] as Uint8Array;
    }
  }

  /** One line per suspect agent: few, and gone when it is heard again. */
  #suspects(agents: readonly ReadonlyAgent[]): string {
    const w = new PrometheusWriter().family('ocs_agent_suspect', 'gauge', 'Present (1) while an agent is suspect: late, or its session left.');
    if (this.#sources.registry.suspectCount > 0) {
      for (const agent of agents) {
        if (agent.suspect === null) continue;
        w.sample(labels({ address: agent.agent_address, agent_class: agent.agent_class ?? '', reason: agent.suspect }), 1);
      }
    }
    return w.text();
  }

  /** Expected versus observed: counts, and one line per missing agent. */
  #missing(): string {
    const expected = this.#sources.expected;
    const w = new PrometheusWriter();
    const missing = expected?.missing(this.#sources.registry) ?? [];
    w.family('ocs_registry_agents_missing', 'gauge', 'Agents the site config expects up that were never heard.').sample('', missing.length);
    w.family('ocs_registry_agents_unexpected', 'gauge', 'Agents heard that no host of the site config names.')
      .sample('', expected?.unexpected(this.#sources.registry).length ?? 0);
    w.family('ocs_agent_missing', 'gauge', 'Present (1) while an agent the site config expects up was never heard.');
    for (const a of missing) w.sample(labels({ address: a.address, agent_class: a.agentClass ?? '', host: a.host }), 1);
    return w.text();
  }

  #familyHead(name: string, type: 'gauge' | 'counter', help: string): Uint8Array {
    return UTF8.encode(new PrometheusWriter().family(name, type, help).text());
  }

  /** Everything but the per-agent series. */
  #registryFamilies(): string {
    const s = this.#sources;
    const { registry } = s;
    const c = registry.counters;
    const w = new PrometheusWriter();

    w.family('ocs_registry_up', 'gauge', 'Whether the registry is joined to the router and subscribed to heartbeats (1) or not (0).')
      .sample('', s.ready() ? 1 : 0);
    const health = s.health?.() ?? { connected: s.ready(), subscribed: s.ready(), stale_since: null };
    w.family('ocs_registry_connected', 'gauge', 'Whether the registry is joined to the router (1) or not (0).').sample('', health.connected ? 1 : 0);
    w.family('ocs_registry_subscribed', 'gauge', 'Whether the registry is subscribed to heartbeats (1) or not (0).').sample('', health.subscribed ? 1 : 0);
    w.family('ocs_registry_stale_seconds', 'gauge', 'Seconds since the registry last heard heartbeats, while it does not (0 while it does).')
      .sample('', health.stale_since === null ? 0 : Math.max(0, (s.now?.() ?? health.stale_since) - health.stale_since));
    w.family('ocs_registry_fast_signal', 'gauge', 'Whether the router gives wamp.session.on_leave, so a departed agent is suspect at once (1) or not (0).')
      .sample('', s.fastSignal?.() ? 1 : 0);
    const lead = s.leadership?.() ?? { role: 'single', takeovers: 0 };
    w.family('ocs_registry_leader', 'gauge', 'Whether this registry leads at its address (1: leader, or the only one) or stands by (0).')
      .sample('', lead.role === 'leader' || lead.role === 'single' ? 1 : 0);
    w.family('ocs_registry_takeovers_total', 'counter', 'Times this registry took over as leader (hot standby).').sample('', lead.takeovers);
    w.family('ocs_registry_agents', 'gauge', 'Agents known to the registry, by state.')
      .sample('{state="alive"}', registry.size - registry.expiredCount)
      .sample('{state="expired"}', registry.expiredCount);
    w.family('ocs_registry_agents_suspect', 'gauge', 'Live agents whose heartbeat is late (--suspect-after) or whose session left.')
      .sample('', registry.suspectCount);
    w.family('ocs_registry_agents_flapping', 'gauge', 'Agents revived or restarted more than --flap-limit times in --flap-window.')
      .sample('', registry.flappingCount);
    this.#byClass(w);
    w.family('ocs_registry_agent_timeout_seconds', 'gauge', 'Seconds of silence before an agent expires: the default (agent_class="") and per class.')
      .sample('{agent_class=""}', registry.agentTimeout);
    for (const [name, seconds] of Object.entries(registry.classTimeouts)) w.sample(labels({ agent_class: name }), seconds);
    w.family('ocs_registry_max_agents', 'gauge', 'Agents the registry accepts at most.').sample('', registry.maxAgents);

    w.family('ocs_registry_heartbeats_received_total', 'counter', 'Heartbeats accepted.').sample('', c.heartbeats);
    w.family('ocs_registry_heartbeats_rejected_total', 'counter', 'Heartbeats refused, by reason.');
    for (const reason of REJECTION_REASONS) w.sample(`{reason="${reason}"}`, c.rejected[reason]);
    w.family('ocs_registry_agents_joined_total', 'counter', 'Agents seen for the first time.').sample('', c.joined);
    w.family('ocs_registry_agents_expired_total', 'counter', 'Agent expiries (silent for longer than the timeout).').sample('', c.expired);
    w.family('ocs_registry_agents_revived_total', 'counter', 'Expired agents heard again.').sample('', c.revived);
    w.family(
      'ocs_registry_agents_forgotten_total',
      'counter',
      'Expired agents forgotten: expired for more than --forget-after, or to make room for new ones in a full table.',
    )
      .sample('', c.forgotten);
    w.family('ocs_registry_agent_restarts_total', 'counter', 'Heartbeats from a new agent process (new session id) at a known address.').sample('', c.restarts);
    w.family('ocs_registry_agents_suspected_total', 'counter', 'Times an agent became suspect.').sample('', c.suspected);
    w.family('ocs_registry_agents_flapping_total', 'counter', 'Times an agent was flagged flapping.').sample('', c.flapping);
    w.family('ocs_registry_field_collisions_total', 'counter', "Agents whose agent_operations field names clash with another agent's.").sample(
      '',
      c.fieldCollisions,
    );
    w.family('ocs_registry_agent_operations_published_total', 'counter', 'Events published on the agent_operations feed.').sample('', s.published());

    w.family('ocs_registry_events_total', 'counter', 'Events emitted on /api/events, by type.');
    for (const type in s.events) w.sample(`{type="${type}"}`, s.events[type] as number);
    w.family('ocs_registry_events_damped_total', 'counter', 'Events held back for flapping agents (their history keeps them).')
      .sample('', s.damped?.() ?? 0);
    w.family('ocs_registry_event_stream_clients', 'gauge', 'Clients connected to /api/events.').sample('', s.stream.clients);
    w.family('ocs_registry_event_stream_dropped_total', 'counter', 'Event-stream clients dropped for falling behind.').sample('', s.stream.dropped);
    w.family('ocs_registry_event_loop_lag_seconds', 'gauge', 'Worst event-loop lag since the previous scrape.').sample('', s.lag());

    return w.text();
  }

  #byClass(w: PrometheusWriter): void {
    const alive = new Map<string, number>();
    const expired = new Map<string, number>();
    for (const agent of this.#sources.registry.agents()) {
      const counts = agent.expired ? expired : alive;
      const name = agent.agent_class ?? '';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    w.family('ocs_registry_agents_by_class', 'gauge', 'Agents known to the registry, by agent class and state.');
    for (const name of new Set([...alive.keys(), ...expired.keys()])) {
      w.sample(labels({ agent_class: name, state: 'alive' }), alive.get(name) ?? 0);
      w.sample(labels({ agent_class: name, state: 'expired' }), expired.get(name) ?? 0);
    }
  }

  /** The agent's label strings and cached lines; started afresh when its op names or class change. */
  #agentLines(agent: ReadonlyAgent): AgentLines {
    const known = this.#lines.get(agent);
    if (known !== undefined && known.names === agent.opNames && known.agentClass === agent.agent_class) return known;
    const names = agent.opNames;
    // Label names are fixed here, so only the values need escaping (labels() also checks names).
    const address = escapeLabelValue(agent.agent_address);
    const ops: string[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) ops[i] = `{address="${address}",op="${escapeLabelValue(names[i] as string)}"}`;
    const fresh: AgentLines = {
      names,
      agentClass: agent.agent_class,
      up: `{address="${address}",agent_class="${escapeLabelValue(agent.agent_class ?? '')}"}`,
      ops,
      upLine: null,
      upExpired: false,
      opLines: null,
      opCodes: Number.NaN,
      opExpired: false,
    };
    this.#lines.set(agent, fresh);
    return fresh;
  }
}
