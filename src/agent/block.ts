// A buffered block of co-sampled fields of a recorded feed (Python
// ocs_feed.Block): one timestamps list and one value list per field.
import { PyError } from './errors.ts';
import { pyTypeName } from './py-repr.ts';

/** Python Block.encoded(): these keys, in this order. */
export interface EncodedBlock {
  block_name: string;
  data: Record<string, unknown[]>;
  /** The last non-None `influxdb_tags` of a message in the block, kept across flushes (Python); else null. */
  influxdb_tags: unknown;
  timestamps: unknown[];
}

export class Block {
  readonly name: string;
  /** Creation order among its feed's blocks (flushes list blocks in this order). */
  readonly order: number;
  timestamps: unknown[] = [];
  data: Record<string, unknown[]> = {};
  tags: unknown = null;
  readonly #keys: string[];

  constructor(name: string, keys: readonly string[], order = 0) {
    this.name = name;
    this.order = order;
    this.#keys = [...keys];
    for (const k of keys) this.data[k] = [];
  }

  get empty(): boolean {
    return this.timestamps.length === 0;
  }

  clear(): void {
    this.timestamps = [];
    for (const k of this.#keys) this.data[k] = [];
  }

  /** Add one sample `{timestamp, data: {field: value}}`; `tags` is the message's influxdb_tags. */
  append(timestamp: unknown, data: Record<string, unknown>, tags: unknown = null): void {
    this.#checkKeys(data);
    this.timestamps.push(timestamp);
    this.#tag(tags);
    for (const k of this.#keys) this.data[k]!.push(data[k]);
  }

  /**
   * Add samples `{timestamps: [...], data: {field: [...]}}`. Unlike Python,
   * lists whose lengths differ from `timestamps` are refused here, before
   * anything is buffered, instead of failing later at flush.
   */
  extend(timestamps: unknown, data: Record<string, unknown>, tags: unknown = null): void {
    this.#checkKeys(data);
    const ts = iterableList(timestamps);
    const columns = this.#keys.map((k) => iterableList(data[k]));
    for (let i = 0; i < columns.length; i++) {
      if (columns[i]!.length !== ts.length) {
        throw new PyError('ValueError', `Length of field ${this.#keys[i]} does not match timestamps in block ${this.name}`);
      }
    }
    for (const t of ts) this.timestamps.push(t);
    this.#tag(tags);
    for (let i = 0; i < columns.length; i++) {
      const target = this.data[this.#keys[i]!]!;
      for (const v of columns[i]!) target.push(v);
    }
  }

  encoded(): EncodedBlock {
    const data: Record<string, unknown[]> = {};
    for (const k of this.#keys) data[k] = this.data[k]!;
    return { block_name: this.name, data, influxdb_tags: this.tags, timestamps: this.timestamps };
  }

  #tag(tags: unknown): void {
    if (tags !== null && tags !== undefined) this.tags = tags;
  }

  #checkKeys(data: Record<string, unknown>): void {
    const keys = Object.keys(data);
    if (keys.length !== this.#keys.length || !keys.every((k) => Object.hasOwn(this.data, k))) {
      throw new PyError('Exception', `Block structure does not match: ${this.name}`);
    }
  }
}

function iterableList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  throw new PyError('TypeError', `'${pyTypeName(value)}' object is not iterable`);
}
