// Turns what the registry reports (AgentChange, Rejection) into the events of
// /api/events and the per-agent history. One change may be several events
// (an agent that comes back with new codes is `revived` and `ops-changed`).
// Rejections are rate-limited: a flood of bad heartbeats is counted by the
// core, not streamed. A flapping agent's events are damped: at most one per
// `dampSeconds`, carrying how many were held back (`damped`); its history
// keeps every one, and `flapping-cleared` carries its state when it settles.
// A forgotten agent (--forget-after, or to make room in a full table) is one
// `forgotten` event; its history goes with it (a later heartbeat joins it anew).

import type { AgentChange, Clock, Rejection } from '../core/index.ts';
import type { EventLog } from './event-log.ts';
import type { EventStream } from './event-stream.ts';
import type { TransitionHistory } from '../core/transition-history.ts';

export const EVENT_TYPES = [
  'joined',
  'restarted',
  'revived',
  'ops-changed',
  'expired',
  'suspect',
  'suspect-cleared',
  'flapping',
  'flapping-cleared',
  'forgotten',
  'rejected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface TransitionsOptions {
  log: EventLog;
  stream: EventStream;
  history: TransitionHistory;
  clock: Clock;
  /** Rejected-heartbeat events per second at most; the rest are summed into the next one. */
  rejectedPerSecond?: number;
  /** A flapping agent's events at most once per this many seconds (default 30). */
  dampSeconds?: number;
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
  readonly #dampSeconds: number;
  /** Flapping agents: when their last event went out, and how many were held back since. */
  readonly #damping = new Map<string, { lastSent: number; held: number }>();
  /** Events held back for flapping agents (for /metrics). */
  damped = 0;

  constructor(options: TransitionsOptions) {
    this.#log = options.log;
    this.#stream = options.stream;
    this.#history = options.history;
    this.#clock = options.clock;
    this.#rejectedPerSecond = options.rejectedPerSecond ?? 10;
    this.#dampSeconds = options.dampSeconds ?? 30;
    this.counts = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  }

  readonly onChange = (change: AgentChange): void => {
    if (change.forgot !== null) this.#forgottenEvent(change.forgot, change.at, 'table-full');
    if (change.forgotten) {
      this.#forgottenEvent(change.agent, change.at, 'forget-after');
      this.#stream.published();
      return;
    }
    if (change.joined) this.#agentEvent('joined', change);
    else {
      if (change.restarted) this.#agentEvent('restarted', change);
      if (change.revived) this.#agentEvent('revived', change);
      if (change.opsChanged || change.vanishedOps.length > 0) this.#agentEvent('ops-changed', change);
      if (change.expired) this.#agentEvent('expired', change);
    }
    if (change.suspected) this.#agentEvent('suspect', change);
    if (change.unsuspected && !change.expired) this.#agentEvent('suspect-cleared', change);
    // After the transition that made it flap, so that one still goes out whole.
    if (change.startedFlapping) this.#agentEvent('flapping', change);
    if (change.stoppedFlapping) this.#agentEvent('flapping-cleared', change);
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

  /** Only the agent's encoded entry is read: a forgotten agent has no other state left. */
  #forgottenEvent(agent: AgentChange['agent'], at: number, reason: 'forget-after' | 'table-full'): void {
    const address = agent.agent_address;
    const data = { address, agent_class: agent.agent_class, state: 'forgotten', at, time_expired: agent.time_expired, reason };
    this.#log.append('forgotten', JSON.stringify(data));
    this.counts.forgotten++;
    this.#history.forget(address);
    this.#damping.delete(address);
  }

  #agentEvent(type: EventType, change: AgentChange): void {
    const agent = change.agent;
    const address = agent.agent_address;
    const held = this.#damp(type, change);
    if (held === null) {
      this.#history.record(address, { id: null, type, at: change.at, op_codes: agent.op_codes });
      return;
    }
    const data: Record<string, unknown> = {
      address,
      agent_class: agent.agent_class,
      state: agent.expired ? 'expired' : 'alive',
      at: change.at,
      op_codes: agent.op_codes,
      session_id: agent.sessionId,
      restarts: agent.restarts,
      suspect: agent.suspect === null ? null : { reason: agent.suspect, since: agent.suspectSince },
      flapping: agent.flapping ? { reason: agent.flapReason } : null,
    };
    if (type === 'ops-changed' && change.vanishedOps.length > 0) data.vanished_ops = change.vanishedOps;
    if (type === 'joined' && change.collidesWith !== null) data.collides_with = change.collidesWith;
    if (held > 0) data.damped = held;
    const seq = this.#log.append(type, JSON.stringify(data));
    this.counts[type]++;
    this.#history.record(address, { id: this.#log.idOf(seq), type, at: change.at, op_codes: agent.op_codes });
  }

  /** Null: hold this event back (its agent flaps); else how many were held back before it. */
  #damp(type: EventType, change: AgentChange): number | null {
    const address = change.agent.agent_address;
    if (type === 'flapping') {
      this.#damping.set(address, { lastSent: change.at, held: 0 });
      return 0;
    }
    let state = this.#damping.get(address);
    if (state === undefined) {
      if (!change.agent.flapping) return 0;
      // Flagged before a restart (restored from the state file): damped from its first event on, as before.
      this.#damping.set(address, state = { lastSent: change.at, held: 0 });
      return 0;
    }
    if (type === 'flapping-cleared' || change.at - state.lastSent >= this.#dampSeconds) {
      if (type === 'flapping-cleared') this.#damping.delete(address);
      else state.lastSent = change.at;
      const held = state.held;
      state.held = 0;
      return held;
    }
    state.held++;
    this.damped++;
    return null;
  }
}
