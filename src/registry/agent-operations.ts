// The agent_operations feed (docs/ocs-protocol.md §3.5): one WAMP event per
// (agent, op), each holding one block named after its field:
//   [[{field: {block_name: field, data: {field: [code]}, influxdb_tags: null, timestamps: [t]}}, feed_encoded]]
// Published straight from the registry core, not through per-field Block
// objects kept forever (Python's Q9/Q10: O(blocks²) flushes, unbounded memory).

import { floatTime, type RegisteredAgent, type Registry } from '../core/index.ts';
import { encodePythonJson, presetArgsJson } from '../wamp/serializers/json.ts';

/** Publish one event; false when it was not sent (not joined, or a standby that does not lead). */
export type Publish = (topic: string, args: unknown[]) => boolean;

export class AgentOperationsFeed {
  readonly topic: string;
  readonly #encoded: Record<string, unknown>;
  readonly #registry: Registry;
  readonly #publish: Publish;
  /** Events published, for metrics. */
  published = 0;
  /** The JSON text of `encoded` (fixed once the feed is registered), written at the first event. */
  #encodedText: string | null = null;

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
    const time = floatTime(now);
    const block = { block_name: field, data: { [field]: [code] }, influxdb_tags: null, timestamps: [time] };
    const args = [[{ [field]: block }, this.#encoded]];
    // Its JSON text written here from the fixed shape, for a JSON transport, instead of stringifying the
    // event and then walking it for non-finite numbers (it holds a null). At 10k agents the 30 s republish
    // alone is ~1,300 events/s; measured, this took the registry from 8.5 to 8.4 µs per heartbeat (within
    // the spread; bench/RESULTS.md, "Registry receive path, cut"). A field name is letters, digits and
    // underscores (fieldNameProblem), so it needs no escaping; a time or code that is not a finite number
    // (never, from the clock and the core) is left to the serializer.
    if (Number.isFinite(time) && Number.isFinite(code)) {
      this.#encodedText ??= encodePythonJson(this.#encoded);
      presetArgsJson(
        args,
        `[[{"${field}":{"block_name":"${field}","data":{"${field}":[${code}]},"influxdb_tags":null,"timestamps":[${time}]}},${this.#encodedText}]]`,
      );
    }
    if (this.#publish(this.topic, args)) this.published++;
  }
}
