// Heartbeat delivery and latency. A heartbeat carries no send time, but the
// swarm knows when each agent last sent one and how many it sent; a delivery
// of agent A's n-th beat is timed against A's send time when A has sent
// exactly n (at 1 Hz and sub-second latency, always). Deliveries that lag a
// whole beat behind (or follow a lost one) are counted as `lagged`, not timed. The probe sits where
// heartbeats arrive: wrapped around an in-process registry's handler (so it
// measures agent publish -> registry handler) or on its own wildcard
// subscription (agent publish -> router -> this process, for any router).
import type { EventHandler, WampSession } from '../../src/wamp/session.ts';
import { LatencyHistogram } from './histogram.ts';
import type { Swarm } from './swarm.ts';

export class DeliveryProbe {
  latency = new LatencyHistogram();
  /** Swarm heartbeats that arrived. */
  delivered = 0;
  /** Arrivals more than one beat behind their agent's sends. */
  lagged = 0;
  readonly #swarm: Swarm;
  #received = new Uint32Array(1024);

  constructor(swarm: Swarm) {
    this.#swarm = swarm;
  }

  /** Start the latency figures afresh (e.g. after start-up), keeping the delivery count. */
  resetLatency(): void {
    this.latency = new LatencyHistogram();
    this.lagged = 0;
  }

  /** One heartbeat arrived on `topic`. */
  heartbeat(topic: string | undefined): void {
    if (topic === undefined) return;
    const member = this.#swarm.indexOfTopic(topic);
    if (member === undefined) return;
    if (member >= this.#received.length) this.#grow(member);
    const n = this.#received[member]! + 1;
    this.#received[member] = n;
    this.delivered++;
    const truth = this.#swarm.truth;
    if (truth.beats[member] === n) this.latency.record((this.#swarm.hrNow() - truth.sentAtMs[member]!) * 1000);
    else {
      // Behind (a backlog) or a beat was lost (a dropped connection): resync on the latest send.
      this.lagged++;
      this.#received[member] = truth.beats[member]!;
    }
  }

  /** Wrap an event handler so every event it gets is also counted here. */
  wrap(handler: EventHandler): EventHandler {
    return (args, kwargs, details) => {
      this.heartbeat(details.topic);
      handler(args, kwargs, details);
    };
  }

  /** Count heartbeats on a session's own wildcard subscription. */
  async subscribe(session: WampSession, root: string): Promise<void> {
    await session.subscribe(`${root}..feeds.heartbeat`, (_args, _kwargs, details) => this.heartbeat(details.topic), { match: 'wildcard' });
  }

  #grow(member: number): void {
    let length = this.#received.length;
    while (length <= member) length *= 2;
    const next = new Uint32Array(length);
    next.set(this.#received);
    this.#received = next;
  }
}
