// GET /metrics: the registry's state and counters in Prometheus text format.
// The per-agent series (ocs_agent_up, ocs_agent_op_code) are most of the
// output at scale; their label strings are cached per agent and rebuilt only
// when its op names or class change.

import type { RegisteredAgent, Registry } from '../core/index.ts';
import { REJECTION_REASONS } from '../core/index.ts';
import { labels, PrometheusWriter } from './prometheus.ts';

export interface MetricsSources {
  registry: Registry;
  /** Joined to the router and subscribed to heartbeats. */
  ready: () => boolean;
  /** agent_operations events published so far. */
  published: () => number;
  stream: { clients: number; connected: number; dropped: number };
  events: Readonly<Record<string, number>>;
  /** Worst event-loop lag since the last scrape, seconds. */
  lag: () => number;
}

interface AgentLabels {
  names: readonly string[];
  agentClass: string | null;
  up: string;
  ops: string[];
}

export class RegistryMetrics {
  readonly #sources: MetricsSources;
  readonly #labels = new WeakMap<RegisteredAgent, AgentLabels>();

  constructor(sources: MetricsSources) {
    this.#sources = sources;
  }

  render(): string {
    const s = this.#sources;
    const { registry } = s;
    const c = registry.counters;
    const w = new PrometheusWriter();

    w.family('ocs_registry_up', 'gauge', 'Whether the registry is joined to the router and subscribed to heartbeats (1) or not (0).')
      .sample('', s.ready() ? 1 : 0);
    w.family('ocs_registry_agents', 'gauge', 'Agents known to the registry, by state.')
      .sample('{state="alive"}', registry.size - registry.expiredCount)
      .sample('{state="expired"}', registry.expiredCount);
    this.#byClass(w);
    w.family('ocs_registry_max_agents', 'gauge', 'Agents the registry accepts at most.').sample('', registry.maxAgents);

    w.family('ocs_registry_heartbeats_received_total', 'counter', 'Heartbeats accepted.').sample('', c.heartbeats);
    w.family('ocs_registry_heartbeats_rejected_total', 'counter', 'Heartbeats refused, by reason.');
    for (const reason of REJECTION_REASONS) w.sample(`{reason="${reason}"}`, c.rejected[reason]);
    w.family('ocs_registry_agents_joined_total', 'counter', 'Agents seen for the first time.').sample('', c.joined);
    w.family('ocs_registry_agents_expired_total', 'counter', 'Agent expiries (silent for longer than the timeout).').sample('', c.expired);
    w.family('ocs_registry_agents_revived_total', 'counter', 'Expired agents heard again.').sample('', c.revived);
    w.family('ocs_registry_agent_restarts_total', 'counter', 'Heartbeats from a new agent process (new session id) at a known address.').sample('', c.restarts);
    w.family('ocs_registry_field_collisions_total', 'counter', 'Agents whose agent_operations field names clash with another agent\'s.').sample('', c.fieldCollisions);
    w.family('ocs_registry_agent_operations_published_total', 'counter', 'Events published on the agent_operations feed.').sample('', s.published());

    w.family('ocs_registry_events_total', 'counter', 'Events emitted on /api/events, by type.');
    for (const type in s.events) w.sample(`{type="${type}"}`, s.events[type] as number);
    w.family('ocs_registry_event_stream_clients', 'gauge', 'Clients connected to /api/events.').sample('', s.stream.clients);
    w.family('ocs_registry_event_stream_dropped_total', 'counter', 'Event-stream clients dropped for falling behind.').sample('', s.stream.dropped);
    w.family('ocs_registry_event_loop_lag_seconds', 'gauge', 'Worst event-loop lag since the previous scrape.').sample('', s.lag());

    const agents = registry.agents();
    w.family('ocs_agent_up', 'gauge', 'Whether an agent is alive (1) or expired (0).');
    for (const agent of agents) w.sample(this.#agentLabels(agent).up, agent.expired ? 0 : 1);
    w.family('ocs_agent_op_code', 'gauge',
      'OCS OpCode of each agent operation: 1 none, 2 starting, 3 running, 4 stopping, 5 succeeded, 6 failed, 7 expired, 8 degraded.');
    for (const agent of agents) {
      const ops = this.#agentLabels(agent).ops;
      for (let i = 0; i < ops.length; i++) w.sample(ops[i] as string, agent.codeAt(i));
    }
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

  #agentLabels(agent: RegisteredAgent): AgentLabels {
    const known = this.#labels.get(agent);
    if (known !== undefined && known.names === agent.opNames && known.agentClass === agent.agent_class) return known;
    const names = agent.opNames;
    const address = agent.agent_address;
    const fresh: AgentLabels = {
      names,
      agentClass: agent.agent_class,
      up: labels({ address, agent_class: agent.agent_class ?? '' }),
      ops: names.map((op) => labels({ address, op })),
    };
    this.#labels.set(agent, fresh);
    return fresh;
  }
}
