// A PUBLISH whose args will never change again (an agent's heartbeat: the
// same op codes and feed description every second until an op code changes)
// is written once per serializer; every beat after that writes only its
// request id in front of the kept rest of the message, the "tail". Measured
// at 10k agents on Bun (bench/RESULTS.md, "Swarm send path, cut"): writing
// the PUBLISH head afresh was 7.5% of the swarm's CPU samples with JSON, and
// with msgpack the swarm went from 34 to 24 µs per heartbeat.
// The frame is byte for byte what a fresh encoding writes (tests check it
// for every serializer and every id size).

/** What each serializer kept for one args array. */
export interface Tails {
  /** JSON text of the args alone (a PUBLISH whose options object may change). */
  argsText?: string;
  json?: Tail<string>;
  msgpack?: Tail<Uint8Array>;
  cbor?: Tail<Uint8Array>;
}

/** The encoded rest of a PUBLISH after its request id, for one options object and topic. */
interface Tail<T> {
  readonly options: object;
  readonly topic: string;
  readonly bytes: T;
}

export type TailKind = 'json' | 'msgpack' | 'cbor';

const marked = new WeakMap<object, Tails>();

/**
 * Promise that `args` (all the way down) will not change again: a PUBLISH
 * carrying it reuses its encoding instead of writing it again.
 */
export function markImmutableArgs(args: readonly unknown[]): void {
  if (!marked.has(args)) marked.set(args, {});
}

/** The kept encodings of marked args; undefined for args never marked. */
export function keptFor(args: unknown): Tails | undefined {
  return typeof args === 'object' && args !== null ? marked.get(args) : undefined;
}

/**
 * `message` is a PUBLISH `[16, id, options, topic, args]` of marked args whose
 * options cannot change (frozen, as WampPeer's are): its tail for `kind`,
 * made by `make` the first time (and again when the topic or options differ
 * from last time). undefined when the message is not such a PUBLISH.
 */
export function publishTail<K extends TailKind>(
  message: unknown[],
  kind: K,
  make: () => NonNullable<Tails[K]>['bytes'],
): NonNullable<Tails[K]>['bytes'] | undefined {
  if (message[0] !== 16 || message.length !== 5) return undefined;
  const kept = keptFor(message[4]);
  if (kept === undefined) return undefined;
  const id = message[1];
  const options = message[2];
  const topic = message[3];
  if (!isRequestId(id) || typeof topic !== 'string' || typeof options !== 'object' || options === null || !Object.isFrozen(options)) return undefined;
  const tail = kept[kind];
  if (tail !== undefined && tail.options === options && tail.topic === topic) return tail.bytes;
  const bytes = make();
  (kept as Record<TailKind, Tail<unknown>>)[kind] = { options, topic, bytes };
  return bytes;
}

/**
 * A WAMP id that every serializer writes as an unsigned integer: 0 to 2^53 - 1.
 * (2^53 itself, the largest WAMP id, msgpack writes as a float64: such a
 * message is encoded in full.)
 */
function isRequestId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

/**
 * `head` (the array header and the PUBLISH type code), the request id as a
 * binary serializer writes an unsigned integer, then `tail`; after `prefix`
 * bytes left free (a batched frame's length). `wide` gives the marker bytes
 * of the 8-, 16-, 32- and 64-bit forms and `direct` the largest id written
 * in the marker byte itself (msgpack: 127, CBOR: 23).
 */
export function spliceId(
  head: number,
  id: number,
  tail: Uint8Array,
  direct: number,
  wide: readonly [number, number, number, number],
  prefix: number,
): Uint8Array<ArrayBuffer> {
  const idBytes = id <= direct ? 1 : id < 0x100 ? 2 : id < 0x10000 ? 3 : id <= 0xffffffff ? 5 : 9;
  const frame = new Uint8Array(prefix + 2 + idBytes + tail.byteLength);
  let at = prefix;
  frame[at++] = head;
  frame[at++] = 16;
  if (idBytes === 1) frame[at++] = id;
  else if (idBytes === 2) {
    frame[at++] = wide[0];
    frame[at++] = id;
  } else if (idBytes === 3) {
    frame[at++] = wide[1];
    frame[at++] = id >>> 8;
    frame[at++] = id & 0xff;
  } else {
    const view = new DataView(frame.buffer);
    if (idBytes === 5) {
      frame[at++] = wide[2];
      view.setUint32(at, id);
      at += 4;
    } else {
      frame[at++] = wide[3];
      view.setUint32(at, Math.floor(id / 2 ** 32));
      view.setUint32(at + 4, id >>> 0);
      at += 8;
    }
  }
  frame.set(tail, at);
  if (prefix === 4) new DataView(frame.buffer).setUint32(0, frame.byteLength - 4);
  return frame;
}
