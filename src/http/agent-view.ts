// An agent as the API shows it: the Python `main` session.data entry (the six
// keys, unchanged) followed by what this registry adds. A list entry has no
// field that depends on the moment of the request (so it can be cached per
// agent); one agent's view adds `heartbeats.age`.

import type { ReadonlyAgent } from '../core/index.ts';

export interface HeartbeatStats {
  count: number;
  /** Seconds between the last two heartbeats; null until there are two. */
  last_interval: number | null;
  /** Smoothed mean seconds between heartbeats (over about the last ten); null until there are two. */
  mean_interval: number | null;
  /** Smoothed mean deviation from that mean, in seconds. */
  jitter: number | null;
  /** Seconds since the last heartbeat (one agent's view only; in a list, the page's `time` - last_updated). */
  age?: number;
}

export interface AgentView {
  expired: boolean;
  time_expired: number | null;
  last_updated: number;
  op_codes: Readonly<Record<string, number>>;
  agent_class: string | null;
  agent_address: string;
  state: 'alive' | 'expired';
  session_id: string | null;
  restarts: number;
  first_seen: number;
  last_transition: number;
  heartbeats: HeartbeatStats;
  collides_with: string | null;
  /** Its own timeout: its class's (--agent-timeout-class), else the registry's. */
  timeout: number;
  /** Late by more than --suspect-after of its intervals, or its WAMP session left; null when neither. Not in OCS's session.data. */
  suspect: { reason: 'late' | 'left'; since: number } | null;
  /** Revived or restarted more than --flap-limit times in --flap-window; null when not. */
  flapping: { reason: string } | null;
}

/** `now`: add the agent's age (seconds since its last heartbeat). */
export function agentView(agent: ReadonlyAgent, now?: number): AgentView {
  return {
    expired: agent.expired,
    time_expired: agent.time_expired,
    last_updated: agent.last_updated,
    op_codes: agent.op_codes,
    agent_class: agent.agent_class,
    agent_address: agent.agent_address,
    state: agent.expired ? 'expired' : 'alive',
    session_id: agent.sessionId,
    restarts: agent.restarts,
    first_seen: agent.firstSeen,
    last_transition: agent.lastTransition,
    heartbeats: heartbeatStats(agent, now),
    collides_with: agent.collidesWith,
    timeout: agent.timeout,
    suspect: agent.suspect === null ? null : { reason: agent.suspect, since: agent.suspectSince },
    flapping: agent.flapping ? { reason: agent.flapReason ?? '' } : null,
  };
}

/** The core's heartbeat interval statistics, rounded to microseconds; null until known. */
export function heartbeatStats(agent: ReadonlyAgent, now?: number): HeartbeatStats {
  const known = (x: number) => (Number.isNaN(x) ? null : round6(x));
  const stats: HeartbeatStats = {
    count: agent.heartbeats,
    last_interval: known(agent.lastInterval),
    mean_interval: known(agent.meanInterval),
    jitter: known(agent.intervalJitter),
  };
  if (now !== undefined) stats.age = round6(Math.max(0, now - agent.last_updated));
  return stats;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
