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
