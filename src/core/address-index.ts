// Agents by address, for the heartbeat's lookup: an open-addressing hash
// table in typed arrays instead of a Map. A Map lookup with a fresh key (every
// heartbeat's address is a new string off the wire) walks a chain of cache
// misses: bucket, entry, stored key string, its characters, then the value.
// At 100k agents that chain alone held ingest to 2.2M/s. Here a slot holds the
// hash, the agent number and where the address's characters sit in one
// byte arena, so a lookup is one slot read and one compare against the
// arena, independent of the agent object it then touches. The hash is
// seeded per index and its bits mixed down to the slot bits, so addresses
// crafted to share a slot (and make probing slow) cannot be prepared offline.
// Every address of a registry starts with its root ("observatory."): that
// prefix is checked once by a native startsWith, and only the rest of the
// address is hashed, compared and kept in the arena (at 10k agents the
// per-character loops were the largest part of a heartbeat's lookup).

const EMPTY = 0;
/** Int32s per slot: hash, agent number + 1 (0: empty), offset of the address in the arena. */
const SLOT = 3;
/** Linear probing stays short at this load, and 100k agents fit 2^17 slots (1.5 MB). */
const MAX_LOAD = 0.8;

export class AddressIndex {
  readonly #seed: number;
  /** What every address indexed starts with; only the rest is hashed and stored. */
  readonly #prefix: string;
  #slots: Int32Array;
  #capacity: number;
  /**
   * The addresses, each as a 2-byte header (length, and bit 15 set when wide)
   * then one byte per character, or two (little-endian UTF-16) when any
   * character is beyond Latin-1: addresses are ASCII in practice.
   */
  #bytes = new Uint8Array(4096);
  #used = 0;
  /** Arena bytes of deleted addresses, reclaimed by compacting when they are half of it. */
  #dead = 0;
  #size = 0;

  /** `seed`: random unless a test needs the layout fixed; `prefix`: what every address starts with (e.g. "observatory."). */
  constructor(capacity = 1024, seed = (Math.random() * 2 ** 32) | 0, prefix = '') {
    this.#seed = seed;
    this.#prefix = prefix;
    this.#capacity = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.#slots = new Int32Array(this.#capacity * SLOT);
  }

  get size(): number {
    return this.#size;
  }

  /** The agent number of `address`, or -1. */
  get(address: string): number {
    if (!address.startsWith(this.#prefix)) return -1;
    const hash = this.#hash(address, 0, address.length);
    // An empty slot's reference is 0, so a miss gives -1.
    return (this.#slots[this.#slotOf(address, 0, address.length, hash) * SLOT + 1] as number) - 1;
  }

  /** The agent number of the address that is `text[from, to)`, or -1: a lookup without cutting the address out of a message. */
  getIn(text: string, from: number, to: number): number {
    if (!text.startsWith(this.#prefix, from) || to - from < this.#prefix.length) return -1;
    const hash = this.#hash(text, from, to);
    return (this.#slots[this.#slotOf(text, from, to, hash) * SLOT + 1] as number) - 1;
  }

  /** Slots a lookup of `address` reads (for tests of the spread). */
  probes(address: string): number {
    if (!address.startsWith(this.#prefix)) return 0;
    const hash = this.#hash(address, 0, address.length);
    const mask = this.#capacity - 1;
    return ((this.#slotOf(address, 0, address.length, hash) - (hash & mask)) & mask) + 1;
  }

  /** The slot holding the address `text[from, to)`, or the empty slot where its probe ends. */
  #slotOf(text: string, from: number, to: number, hash: number): number {
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let slot = hash & mask;
    while (slots[slot * SLOT + 1] !== EMPTY) {
      const at = slot * SLOT;
      if (slots[at] === hash && this.#same(text, from, to, slots[at + 2] as number)) return slot;
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Index `address` as agent number `agent`; the address must not be in the index yet. */
  add(address: string, agent: number): void {
    if (address.length - this.#prefix.length > 0x7fff) throw new RangeError('Address too long to index');
    if (!address.startsWith(this.#prefix)) throw new RangeError(`Address does not start with ${JSON.stringify(this.#prefix)}`);
    if (this.#size + 1 > this.#capacity * MAX_LOAD) this.#grow();
    const offset = this.#store(address);
    this.#place(this.#hash(address, 0, address.length), agent + 1, offset);
    this.#size++;
  }

  /** `address`, already indexed, is agent number `agent` now (it moved); false if it was not indexed. */
  renumber(address: string, agent: number): boolean {
    if (!address.startsWith(this.#prefix)) return false;
    const at = this.#slotOf(address, 0, address.length, this.#hash(address, 0, address.length)) * SLOT + 1;
    if (this.#slots[at] === EMPTY) return false;
    this.#slots[at] = agent + 1;
    return true;
  }

  /** Remove `address` (its agent was forgotten); false if it was not indexed. */
  delete(address: string): boolean {
    if (!address.startsWith(this.#prefix)) return false;
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let hole = this.#slotOf(address, 0, address.length, this.#hash(address, 0, address.length));
    if (slots[hole * SLOT + 1] === EMPTY) return false;
    this.#dead += this.#arenaBytes(slots[hole * SLOT + 2] as number);
    // Backward-shift deletion: pull later entries of the probe run into the
    // hole unless their home slot lies cyclically in (hole, slot].
    for (let slot = (hole + 1) & mask; slots[slot * SLOT + 1] !== EMPTY; slot = (slot + 1) & mask) {
      const home = (slots[slot * SLOT] as number) & mask;
      const stays = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (stays) continue;
      slots.copyWithin(hole * SLOT, slot * SLOT, slot * SLOT + SLOT);
      hole = slot;
    }
    slots.fill(0, hole * SLOT, hole * SLOT + SLOT);
    this.#size--;
    if (this.#dead > 4096 && this.#dead * 2 > this.#used) this.#compact();
    return true;
  }

  /** The arena bytes of the address stored at `offset` (header included). */
  #arenaBytes(offset: number): number {
    const bytes = this.#bytes;
    const n = (bytes[offset] as number) | (((bytes[offset + 1] as number) & 0x7f) << 8);
    return 2 + ((bytes[offset + 1] as number) & 0x80 ? 2 * n : n);
  }

  /** Copy the live addresses into a fresh arena. */
  #compact(): void {
    const old = this.#bytes;
    const fresh = new Uint8Array(Math.max(4096, this.#used - this.#dead));
    let used = 0;
    const slots = this.#slots;
    for (let at = 0; at < slots.length; at += SLOT) {
      if (slots[at + 1] === EMPTY) continue;
      const offset = slots[at + 2] as number;
      const length = this.#arenaBytes(offset);
      fresh.set(old.subarray(offset, offset + length), used);
      slots[at + 2] = used;
      used += length;
    }
    this.#bytes = fresh;
    this.#used = used;
    this.#dead = 0;
  }

  /** FNV-1a of the address after the prefix, from the seed, then MurmurHash3's finalizer (every input bit reaches the low bits). */
  #hash(text: string, from: number, to: number): number {
    let h = this.#seed ^ 0x811c9dc5;
    for (let i = from + this.#prefix.length; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Is the address stored at `offset` the part after the prefix of the address `text[from, to)`? */
  #same(text: string, from: number, to: number, offset: number): boolean {
    const bytes = this.#bytes;
    const p = from + this.#prefix.length;
    const n = to - p;
    const high = bytes[offset + 1] as number;
    if (bytes[offset] !== (n & 0xff) || (high & 0x7f) !== n >> 8) return false;
    const at = offset + 2;
    if (high & 0x80) {
      for (let i = 0; i < n; i++) {
        if (((bytes[at + 2 * i] as number) | ((bytes[at + 2 * i + 1] as number) << 8)) !== text.charCodeAt(p + i)) return false;
      }
      return true;
    }
    for (let i = 0; i < n; i++) if (bytes[at + i] !== text.charCodeAt(p + i)) return false;
    return true;
  }

  #place(hash: number, ref: number, offset: number): void {
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let slot = hash & mask;
    while (slots[slot * SLOT + 1] !== EMPTY) slot = (slot + 1) & mask;
    slots[slot * SLOT] = hash;
    slots[slot * SLOT + 1] = ref;
    slots[slot * SLOT + 2] = offset;
  }

  /** Keep `address`'s part after the prefix in the arena; returns where. */
  #store(address: string): number {
    const p = this.#prefix.length;
    const n = address.length - p;
    let wide = false;
    for (let i = 0; i < n && !wide; i++) wide = address.charCodeAt(p + i) > 0xff;
    const need = this.#used + 2 + (wide ? 2 * n : n);
    if (need > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(need, Math.ceil(this.#bytes.length * 1.5)));
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    const bytes = this.#bytes;
    const offset = this.#used;
    bytes[offset] = n & 0xff;
    bytes[offset + 1] = (n >> 8) | (wide ? 0x80 : 0);
    for (let i = 0; i < n; i++) {
      const c = address.charCodeAt(p + i);
      if (wide) {
        bytes[offset + 2 + 2 * i] = c & 0xff;
        bytes[offset + 3 + 2 * i] = c >> 8;
      } else {
        bytes[offset + 2 + i] = c;
      }
    }
    this.#used = need;
    return offset;
  }

  #grow(): void {
    const old = this.#slots;
    this.#capacity *= 2;
    this.#slots = new Int32Array(this.#capacity * SLOT);
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 1] !== EMPTY) this.#place(old[at] as number, old[at + 1] as number, old[at + 2] as number);
    }
  }
}
