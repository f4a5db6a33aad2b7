// Building heartbeat events as agents put them on the wire (docs/ocs-protocol.md §2.4).

export const ROOT = 'observatory';

export interface HeartbeatSpec {
  ops?: Record<string, number>;
  agentClass?: string | null;
  sessionId?: string;
}

export function feedFor(address: string, agentClass: string | null = 'FakeDataAgent', sessionId = '1700000000.123456') {
  return {
    agent_address: address,
    agg_params: {},
    feed_name: 'heartbeat',
    address: `${address}.feeds.heartbeat`,
    record: false,
    session_id: sessionId,
    agent_class: agentClass,
  };
}

/** [topic, args] of one heartbeat event from `{ROOT}.{id}`. */
export function heartbeat(id: string, spec: HeartbeatSpec = {}): [string, unknown[]] {
  const address = `${ROOT}.${id}`;
  const ops = spec.ops ?? { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 };
  return [`${address}.feeds.heartbeat`, [[ops, feedFor(address, spec.agentClass, spec.sessionId)]]];
}
