// Every WAMP serializer we speak, by subprotocol name.

import { cbor, cborBatched } from './cbor.ts';
import { json, jsonBatched } from './json.ts';
import { msgpack, msgpackBatched } from './msgpack.ts';
import type { WampSerializer } from './serializer.ts';

export type { WampSerializer } from './serializer.ts';
export { cbor, cborBatched, json, jsonBatched, msgpack, msgpackBatched };

export const SERIALIZERS: ReadonlyMap<string, WampSerializer> = new Map(
  [json, msgpack, cbor, jsonBatched, msgpackBatched, cborBatched].map((s) => [s.protocol, s]),
);

/** The first offered subprotocol we speak (the client's order of preference wins, as in autobahn and crossbar), or null. */
export function chooseSerializer(offered: readonly string[]): WampSerializer | null {
  for (const protocol of offered) {
    const serializer = SERIALIZERS.get(protocol);
    if (serializer) return serializer;
  }
  return null;
}

/** Short names for --serializer: json, msgpack, cbor, each also `.batched`; the full subprotocol name works too. */
export const SERIALIZER_NAMES: readonly string[] = [...SERIALIZERS.keys()].map((protocol) => protocol.slice('wamp.2.'.length));

/** A serializer list that names one we do not speak. */
export class SerializerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerializerError';
  }
}

/**
 * A comma-separated list of serializers to offer, in order (e.g. `cbor.batched,cbor,json`,
 * as autobahn-python offers). Throws SerializerError naming the unknown one.
 */
export function parseSerializerList(text: string): WampSerializer[] {
  const list = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (list.length === 0) throw new SerializerError('A serializer list needs at least one name.');
  return list.map((name) => {
    const serializer = SERIALIZERS.get(name.startsWith('wamp.2.') ? name : `wamp.2.${name}`);
    if (!serializer) throw new SerializerError(`Unknown serializer "${name}"; use one or more of ${SERIALIZER_NAMES.join(', ')}.`);
    return serializer;
  });
}
