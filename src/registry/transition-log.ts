// The operator's log of agents: one grep-able line per join, expiry,
// revival, restart, collision, suspect, flapping and forgetting, e.g.
//   agent expired address="observatory.faker1" class="FakeDataAgent" silent=5.0s
// Caller text is quoted and cut (logText). A token bucket bounds the rate so
// a flood cannot fill the disk; what it holds back is counted and said on
// the next line that passes. A flapping agent's own transitions are not
// logged one by one: its flapping line says why, its steady line how many
// were held back (the history in the API keeps every one).

import type { Clock } from '../core/clock.ts';
import { type AgentChange, logText, type ReadonlyAgent } from '../core/index.ts';

export interface TransitionLogOptions {
  /** Lines per second on average (default 20). */
  perSecond?: number;
  /** Lines at once before the rate applies (default 200). */
  burst?: number;
}

export class TransitionLog {
  readonly #log: (line: string) => void;
  readonly #clock: Clock;
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #filledAt = Number.NaN;
  /** Lines held back by the rate limit since the last one written. */
  suppressed = 0;
  /** Lines held back because their agent flaps, by address. */
  readonly #damped = new Map<string, number>();

  constructor(log: (line: string) => void, clock: Clock, options: TransitionLogOptions = {}) {
    this.#log = log;
    this.#clock = clock;
    this.#perSecond = options.perSecond ?? 20;
    this.#burst = options.burst ?? 200;
    this.#tokens = this.#burst;
  }

  /** Log what one change did. */
  readonly change = (c: AgentChange): void => {
    const a = c.agent;
    if (c.startedFlapping) this.#line(`agent flapping ${who(a)} reason=${logText(a.flapReason ?? '')}`);
    if (c.forgot !== null) {
      this.#line(`agent forgotten ${who(c.forgot)} time_expired=${c.forgot.time_expired}: the table is full, it had expired longest`);
      this.#damped.delete(c.forgot.agent_address);
    }
    if (c.forgotten) {
      this.#line(`agent forgotten ${who(a)} time_expired=${a.time_expired}: expired for more than --forget-after`);
      this.#damped.delete(a.agent_address);
      return;
    }
    if (c.joined) {
      this.#line(`agent joined ${who(a)} session=${logText(a.sessionId ?? '')}`);
      if (c.collidesWith !== null) {
        this.#line(
          `agent collision ${who(a)} fields_of=${logText(c.collidesWith)}: its agent_operations fields are withheld; give one of them another instance id`,
        );
      }
    }
    const damped = a.flapping && !c.startedFlapping;
    if (c.restarted) this.#transition(a, damped, `agent restarted ${who(a)} session=${logText(a.sessionId ?? '')}`);
    if (c.revived) this.#transition(a, damped, `agent revived ${who(a)}`);
    if (c.expired) this.#transition(a, damped, `agent expired ${who(a)} time_expired=${a.time_expired}`);
    if (c.suspected) this.#transition(a, damped, `agent suspect ${who(a)} reason=${a.suspect} since=${a.suspectSince}`);
    if (c.unsuspected && !c.expired) this.#transition(a, damped, `agent heard again ${who(a)}`);
    if (c.stoppedFlapping) {
      const held = this.#damped.get(a.agent_address) ?? 0;
      this.#damped.delete(a.agent_address);
      this.#line(`agent steady ${who(a)} state=${a.expired ? 'expired' : 'alive'} held_back=${held}`);
    }
  };

  #transition(agent: ReadonlyAgent, damped: boolean, line: string): void {
    if (!damped) return this.#line(line);
    this.#damped.set(agent.agent_address, (this.#damped.get(agent.agent_address) ?? 0) + 1);
  }

  #line(line: string): void {
    const now = this.#clock.now();
    if (this.#filledAt === this.#filledAt) this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#filledAt) * this.#perSecond);
    this.#filledAt = now;
    if (this.#tokens < 1) {
      this.suppressed++;
      return;
    }
    this.#tokens--;
    if (this.suppressed > 0) {
      this.#log(`agent log rate limited: ${this.suppressed} lines not written`);
      this.suppressed = 0;
    }
    this.#log(line);
  }
}

function who(agent: ReadonlyAgent): string {
  return `address=${logText(agent.agent_address)} class=${logText(agent.agent_class ?? '')}`;
}
