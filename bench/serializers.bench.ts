// What each WAMP serializer costs per message (issue 12): JSON, msgpack and
// CBOR (plain framing; batched adds a 4-byte prefix or one separator), for
// three messages OCS sends all the time: a heartbeat EVENT (53-bit ids), an
// ops INVOCATION, and a FakeDataAgent data-feed EVENT (16 float channels).
//
//   npx bun bench/serializers.bench.ts [--json out.json] [--iterations 100000]
//   npm run bench -- bench/serializers.bench.ts --runs 5      (medians, all runtimes)
//
// Prints ns per encode and per decode, and the frame size, per serializer and
// message; the record holds the same.

import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { cbor, json, msgpack, type WampSerializer } from '../src/wamp/serializers/index.ts';
import { runtimeName } from './support/runtime.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
};
const ITERATIONS = Number(option('iterations', '100000'));
const JSON_OUT = option('json', '');

const ID = 2 ** 52 + 12345;
const opCodes = { acq: 3, count: 1, set_heartbeat: 1, delay_task: 2 };
const feed = {
  agent_address: 'observatory.fake-data1',
  agg_params: {},
  feed_name: 'heartbeat',
  address: 'observatory.fake-data1.feeds.heartbeat',
  record: false,
  session_id: '1700000000.123',
  agent_class: 'FakeDataAgent',
};
const channels: Record<string, number[]> = {};
for (let c = 0; c < 16; c++) channels[`channel_${String(c).padStart(2, '0')}`] = Array.from({ length: 10 }, (_, i) => Math.sin(c + i) * 1.1 + 0.01);

const MESSAGES: Record<string, unknown[]> = {
  heartbeat: [36, ID, ID + 1, { topic: 'observatory.fake-data1.feeds.heartbeat' }, [[opCodes, feed]]],
  invocation: [68, 4711, ID, {}, ['status', 'acq', {}], {}],
  data_feed: [36, ID, ID + 2, {}, [{ block_name: 'temps', timestamps: Array.from({ length: 10 }, (_, i) => 1_700_000_000.5 + i * 0.2), data: channels }, feed]],
};

function time(run: () => void): number {
  for (let i = 0; i < ITERATIONS / 10; i++) run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) run();
  return ((performance.now() - start) * 1e6) / ITERATIONS;
}

const record: Record<string, unknown> = { program: 'serializers', runtime: runtimeName(), iterations: ITERATIONS, results: {} };
const results = record.results as Record<string, Record<string, { encode_ns: number; decode_ns: number; bytes: number }>>;
let sink = 0;
for (const [name, message] of Object.entries(MESSAGES)) {
  results[name] = {};
  for (const serializer of [json, msgpack, cbor] as WampSerializer[]) {
    const frame = serializer.encode(message);
    const bytes = typeof frame === 'string' ? new TextEncoder().encode(frame).byteLength : frame.byteLength;
    const encodeNs = time(() => void (sink += (serializer.encode(message) as { length: number }).length));
    const decodeNs = time(() => void (sink += serializer.decode(frame).length));
    results[name][serializer.protocol] = { encode_ns: Math.round(encodeNs), decode_ns: Math.round(decodeNs), bytes };
    console.log(
      `${runtimeName().padEnd(12)} ${name.padEnd(10)} ${serializer.protocol.padEnd(14)} encode ${encodeNs.toFixed(0).padStart(6)} ns  decode ${
        decodeNs.toFixed(0).padStart(6)
      } ns  ${bytes} B`,
    );
  }
}
if (sink === -1) console.log(sink);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(record, null, 2));
