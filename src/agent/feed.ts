// An agent's feed (Python ocs_feed.Feed, docs/ocs-protocol.md §2.2-2.3): topic
// `{addr}.feeds.{name}`, published as one positional argument
// `[message, feed_encoded]`. Recorded feeds buffer samples in Blocks and
// publish `{block_name: encoded_block}` when the buffer time has passed —
// checked on the next publish (no timer), or on an explicit flush().
import type { Clock } from '../core/clock.ts';
import { fieldNameProblem } from '../core/field-name.ts';
import { Block, type EncodedBlock } from './block.ts';
import { PyError } from './errors.ts';
import { isPyDict, pyClassRepr, pyRepr, pyTypeName } from './py-repr.ts';
import { markImmutableArgs } from '../wamp/serializers/publish-cache.ts';

/** The 7 keys, in Python's order. */
export interface FeedEncoded {
  agent_address: string;
  agg_params: Record<string, unknown>;
  feed_name: string;
  address: string;
  record: boolean;
  /** The agent's start time as Python `str(time.time())`, e.g. "1700000000.123456". */
  session_id: string;
  agent_class: string | null;
}

export interface FeedOptions {
  /** true: the aggregator/InfluxDB record it; messages must be blocks (see publish()). */
  record?: boolean;
  aggParams?: Record<string, unknown>;
  /** Seconds to buffer a recorded feed; 0 publishes on every message. */
  bufferTime?: number;
}

/** Who publishes for the feed: the agent, through its current WAMP session (dropped if none). */
export interface FeedPublisher {
  publish(topic: string, args: unknown[]): void;
}

export interface FeedIdentity {
  agentAddress: string;
  sessionId: string;
  agentClass: string | null;
}

export class Feed {
  readonly feedName: string;
  readonly address: string;
  readonly record: boolean;
  readonly bufferTime: number;
  readonly #encoded: FeedEncoded;
  readonly #publisher: FeedPublisher;
  readonly #clock: Clock;
  readonly #blocks = new Map<string, Block>();
  /** Blocks holding samples since the last flush (so a flush is O(dirty), not O(all), Q10). */
  #dirty: Block[] = [];
  #bufferStart: number | null = null;
  /** The encoded feed holds nothing of the caller's (agg_params): args holding it may be marked immutable. */
  readonly #encodedFixed: boolean;
  /** A plain feed's last message and the args published for it. */
  #lastMessage: unknown = undefined;
  #lastArgs: unknown[] | null = null;

  constructor(publisher: FeedPublisher, clock: Clock, identity: FeedIdentity, feedName: string, options: FeedOptions = {}) {
    this.#publisher = publisher;
    this.#clock = clock;
    this.feedName = feedName;
    this.address = `${identity.agentAddress}.feeds.${feedName}`;
    this.record = options.record ?? false;
    this.bufferTime = options.bufferTime ?? 0;
    // Encoded once and shared by every publish: consumers must not mutate it.
    this.#encoded = {
      agent_address: identity.agentAddress,
      agg_params: options.aggParams ?? {},
      feed_name: feedName,
      address: this.address,
      record: this.record,
      session_id: identity.sessionId,
      agent_class: identity.agentClass,
    };
    // Its JSON may be kept with a message's only if the caller's agg_params cannot change under it.
    this.#encodedFixed = options.aggParams === undefined;
  }

  encoded(): FeedEncoded {
    return this.#encoded;
  }

  /**
   * Python `publish_message`. A plain feed publishes `message` at once. A
   * recorded feed takes `{block_name, timestamp, data: {field: value}}` or
   * `{block_name, timestamps: [...], data: {field: [...]}}` and throws
   * (ValueError/TypeError/...) before buffering anything if it is malformed.
   */
  publish(message: unknown): void {
    if (!this.record) {
      // The same message again, e.g. a heartbeat whose op codes did not change: the same args. When the message
      // cannot change (frozen, nothing but plain values in it) the serializer keeps their JSON text (markImmutableArgs).
      if (message !== this.#lastMessage || this.#lastArgs === null) {
        this.#lastMessage = message;
        this.#lastArgs = [[message, this.#encoded]];
        if (this.#encodedFixed && isImmutableRecord(message)) markImmutableArgs(this.#lastArgs);
      }
      this.#publisher.publish(this.address, this.#lastArgs);
      return;
    }
    const now = this.#clock.now();
    const msg = asMessage(message);
    const data = msg['data'];
    if (!isPyDict(data)) throw new PyError('AttributeError', `'${pyTypeName(data)}' object has no attribute 'items'`);
    for (const [field, value] of Object.entries(data)) {
      const nameProblem = fieldNameProblem(field);
      if (nameProblem !== null) throw new PyError('ValueError', nameProblem);
      const typeProblem = dataTypeProblem(value);
      if (typeProblem !== null) throw new PyError('TypeError', typeProblem);
    }
    if (!Object.hasOwn(msg, 'block_name')) throw new PyError('KeyError', "'block_name'");
    const blockName = String(msg['block_name']);
    let block = this.#blocks.get(blockName);
    if (!block) {
      block = new Block(blockName, Object.keys(data), this.#blocks.size);
      this.#blocks.set(blockName, block);
    }
    const wasEmpty = block.empty;
    // Python checks `timestamp` first: a message with both keys is one sample.
    const tags = msg['influxdb_tags'];
    if (Object.hasOwn(msg, 'timestamp')) block.append(msg['timestamp'], data, tags);
    else if (Object.hasOwn(msg, 'timestamps')) block.extend(msg['timestamps'], data, tags);
    else {
      throw new PyError('RuntimeError', `Invalid message when record=True.  keys=dict_keys(${pyRepr(Object.keys(msg))})`);
    }
    if (wasEmpty && !block.empty) this.#dirty.push(block);
    if (this.#bufferStart === null) this.#bufferStart = now;
    if (now - this.#bufferStart >= this.bufferTime) {
      this.flush();
      this.#bufferStart = null;
    }
  }

  /**
   * Python `flush_buffer`: publish every non-empty block and clear them. Like
   * Python it keeps the buffer start time, so the next publish flushes at once.
   */
  flush(): void {
    if (this.#bufferStart === null || !this.record) return;
    const dirty = this.#dirty;
    this.#dirty = [];
    if (dirty.length > 1) dirty.sort((a, b) => a.order - b.order);
    const blocks: Record<string, EncodedBlock> = {};
    for (const block of dirty) {
      blocks[block.name] = block.encoded();
      block.clear();
    }
    this.#publisher.publish(this.address, [[blocks, this.#encoded]]);
  }

  /** Samples waiting in the buffer, per block name (for tests and metrics). */
  get bufferedBlocks(): number {
    return this.#dirty.length;
  }
}

/** A frozen object holding only primitive values: it can never change (an agent's heartbeat op codes). */
function isImmutableRecord(message: unknown): boolean {
  if (typeof message !== 'object' || message === null || !Object.isFrozen(message)) return false;
  for (const key in message) {
    const value = (message as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) return false;
  }
  return true;
}

function asMessage(message: unknown): Record<string, unknown> {
  if (isPyDict(message)) {
    if (!Object.hasOwn(message, 'data')) throw new PyError('KeyError', "'data'");
    return message;
  }
  if (typeof message === 'string') throw new PyError('TypeError', 'string indices must be integers');
  if (Array.isArray(message)) throw new PyError('TypeError', 'list indices must be integers or slices, not str');
  throw new PyError('TypeError', `'${pyTypeName(message)}' object is not subscriptable`);
}

const isScalar = (v: unknown): boolean => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint';

/** Python `verify_message_data_type`: float/int/str/bool, or a list of them. */
export function dataTypeProblem(value: unknown): string | null {
  if (Array.isArray(value)) {
    const bad = [...new Set(value.filter((v) => !isScalar(v)).map((v) => pyClassRepr(pyTypeName(v))))];
    // Python's text really lacks the space: "invalid datatypes".
    return bad.length === 0 ? null : `message 'data' block contains invalid datatypes: {${bad.join(', ')}}`;
  }
  return isScalar(value) ? null : `message 'data' block contains invalid data type: ${pyClassRepr(pyTypeName(value))}`;
}
