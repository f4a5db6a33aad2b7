// Turns what the registry reports (AgentChange, Rejection) into the events of
// /api/events and the per-agent history. One change may be several events
// (an agent that comes back with new codes is `revived` and `ops-changed`).
// Rejections are rate-limited: a flood of bad heartbeats is counted by the
// core, not streamed.

import type { AgentChange, Clock, Rejection } from '../core/index.ts';
import type { EventLog } from './event-log.ts';
import type { EventStream } from './event-stream.ts';
import type { TransitionHistory } from './history.ts';

export const EVENT_TYPES = ['joined', 'restarted', 'revived', 'ops-changed', 'expired', 'rejected'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface TransitionsOptions {
  log: EventLog;
  stream: EventStream;
  history: TransitionHistory;
  clock: Clock;
  /** Rejected-heartbeat events per second at most; the rest are summed into the next one. */
  rejectedPerSecond?: number;
}

export class Transitions {
  /** Events emitted, by type (for /metrics). */
  readonly counts: Record<EventType, number>;
  readonly #log: EventLog;
  readonly #stream: EventStream;
  readonly #history: TransitionHistory;
  readonly #clock: Clock;
  readonly #rejectedPerSecond: number;
  #rejectWindow = -1;
  #rejectsInWindow = 0;
  #suppressed = 0;

  constructor(options: TransitionsOptions) {
    this.#log = options.log;
    this.#stream = options.stream;
    this.#history = options.history;
    this.#clock = options.clock;
    this.#rejectedPerSecond = options.rejectedPerSecond ?? 10;
    this.counts = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  }

  readonly onChange = (change: AgentChange): void => {
    if (change.joined) this.#agentEvent('joined', change);
    else {
      if (change.restarted) this.#agentEvent('restarted', change);
      if (change.revived) this.#agentEvent('revived', change);
      if (change.opsChanged || change.vanishedOps.length > 0) this.#agentEvent('ops-changed', change);
      if (change.expired) this.#agentEvent('expired', change);
    }
    this.#stream.published();
  };

  readonly onRejected = (rejection: Rejection): void => {
    const now = this.#clock.now();
    const window = Math.floor(now);
    if (window !== this.#rejectWindow) {
      this.#rejectWindow = window;
      this.#rejectsInWindow = 0;
    }
    if (this.#rejectsInWindow >= this.#rejectedPerSecond) {
      this.#suppressed++;
      return;
    }
    this.#rejectsInWindow++;
    const data = { reason: rejection.reason, detail: rejection.detail, at: now, suppressed: this.#suppressed };
    this.#suppressed = 0;
    this.#log.append('rejected', JSON.stringify(data));
    this.counts.rejected++;
    this.#stream.published();
  };

  #agentEvent(type: EventType, change: AgentChange): void {
    const agent = change.agent;
    const data: Record<string, unknown> = {
      address: agent.agent_address,
      agent_class: agent.agent_class,
      state: agent.expired ? 'expired' : 'alive',
      at: change.at,
      op_codes: agent.op_codes,
      session_id: agent.sessionId,
      restarts: agent.restarts,
    };
    if (type === 'ops-changed' && change.vanishedOps.length > 0) data.vanished_ops = change.vanishedOps;
    if (type === 'joined' && change.collidesWith !== null) data.collides_with = change.collidesWith;
    const seq = this.#log.append(type, JSON.stringify(data));
    this.counts[type]++;
    this.#history.record(agent.agent_address, { id: this.#log.idOf(seq), type, at: change.at, op_codes: agent.op_codes });
  }
}
