// The agent_operations feed (docs/ocs-protocol.md §3.5): one WAMP event per
// (agent, op), each holding one block named after its field:
//   [[{field: {block_name: field, data: {field: [code]}, influxdb_tags: null, timestamps: [t]}}, feed_encoded]]
// Published straight from the registry core, not through per-field Block
// objects kept forever (Python's Q9/Q10: O(blocks²) flushes, unbounded memory).

import { floatTime, type RegisteredAgent, type Registry } from '../core/index.ts';

/** Publish one event; false when it was not sent (not joined, or a standby that does not lead). */
export type Publish = (topic: string, args: unknown[]) => boolean;

export class AgentOperationsFeed {
  readonly topic: string;
  readonly #encoded: Record<string, unknown>;
  readonly #registry: Registry;
  readonly #publish: Publish;
  /** Events published, for metrics. */
  published = 0;

  /** `encoded`: the feed's 7-key Feed.encoded() (record true, agg_params {frame_length: 60}). */
  constructor(registry: Registry, encoded: Record<string, unknown>, publish: Publish) {
    this.#registry = registry;
    this.#encoded = encoded;
    this.topic = String(encoded.address);
    this.#publish = publish;
  }

  /** Every op of `agent` with its current code (EXPIRED while expired), as Python does on a change. */
  publishAgent(agent: RegisteredAgent, now: number): void {
    const names = agent.opNames;
    for (let i = 0; i < names.length; i++) this.publishField(agent, names[i] as string, agent.codeAt(i), now);
  }

  /** Ops that left the agent's heartbeat: EXPIRED once, then forgotten. */
  publishVanished(agent: RegisteredAgent, ops: readonly string[], now: number): void {
    for (const op of ops) this.publishField(agent, op, 7, now);
  }

  publishField(agent: RegisteredAgent, op: string, code: number, now: number): void {
    const field = this.#registry.fieldName(agent, op);
    if (field === null) return; // Python logs and skips an invalid field; collisions are withheld
    // Python's Block.encoded() keys and order; the registry never sets tags.
    const block = { block_name: field, data: { [field]: [code] }, influxdb_tags: null, timestamps: [floatTime(now)] };
    if (this.#publish(this.topic, [[{ [field]: block }, this.#encoded]])) this.published++;
  }
}
