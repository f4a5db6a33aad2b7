// The periodic republish of agent_operations (Python `--wait-time`), paced.
// Python publishes every known agent's ops at once each wait_time. At a few
// thousand agents that burst (agents x ops events, about 7,000 at 1,000
// agents) queues in the router ahead of everything else: an op change
// published just after it reached subscribers 1.6 s late through crossbar,
// and the router delays heartbeats meanwhile. Here every agent is still
// republished once per wait_time, but each at its own moment: the table is
// walked a slice per tick, so the feed carries a steady trickle instead.
// A forgotten agent (--forget-after) leaves its slot to the last agent
// (Registry.#forget): when that slot is behind the cursor, the moved agent
// waits for the next round, once (up to two wait_times between its republishes).

import type { RegisteredAgent } from '../core/index.ts';

export class PacedRepublish {
  /** Seconds between two republishes of one agent (Python's loop wakes once a second: at least 1). */
  readonly period: number;
  readonly #agents: () => readonly RegisteredAgent[];
  readonly #publish: (agent: RegisteredAgent, now: number) => void;
  /** Next agent to republish, in join order. */
  #cursor = 0;
  /** Agents due but not yet republished (fractional). */
  #owed = 0;
  #last = Number.NaN;

  constructor(waitTime: number, agents: () => readonly RegisteredAgent[], publish: (agent: RegisteredAgent, now: number) => void) {
    this.period = Math.max(1, waitTime);
    this.#agents = agents;
    this.#publish = publish;
  }

  /** Republish the agents that fell due since the last tick; returns how many. */
  tick(now: number): number {
    const dt = now - this.#last;
    this.#last = now;
    const agents = this.#agents();
    const n = agents.length;
    // The first tick only starts the clock; a clock step back publishes nothing.
    if (!(dt > 0) || n === 0) return 0;
    // After a stall, one round at most: never more than the whole table at once.
    this.#owed = Math.min(n, this.#owed + (n * dt) / this.period);
    let published = 0;
    while (this.#owed >= 1) {
      if (this.#cursor >= n) this.#cursor = 0;
      this.#publish(agents[this.#cursor++] as RegisteredAgent, now);
      this.#owed--;
      published++;
    }
    return published;
  }

  /**
   * Publish at once the agents whose turn fell in the last `seconds` (walking
   * back from the cursor; at least one, at most the whole table), skipping
   * those `skip` says were published otherwise. A standby that takes over
   * calls this: its turns kept coming while it could not publish, so the
   * agents the old leader would have republished during the takeover are
   * republished now, and the feed resumes the moment the new leader leads.
   * Returns how many were published.
   */
  replay(seconds: number, now: number, skip: (agent: RegisteredAgent) => boolean = () => false): number {
    const agents = this.#agents();
    const n = agents.length;
    if (n === 0) return 0;
    const count = Math.min(n, Math.max(1, Math.ceil((n * Math.max(0, seconds)) / this.period)));
    let published = 0;
    for (let k = count; k >= 1; k--) {
      const agent = agents[(((this.#cursor - k) % n) + n) % n] as RegisteredAgent;
      if (skip(agent)) continue;
      this.#publish(agent, now);
      published++;
    }
    return published;
  }

  /** Start afresh (a new `main` run). */
  reset(): void {
    this.#cursor = 0;
    this.#owed = 0;
    this.#last = Number.NaN;
  }
}
