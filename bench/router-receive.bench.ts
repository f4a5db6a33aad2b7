// The simulator router's receive path in JavaScript alone, without sockets:
// N agent connections (SocketTransport, the endpoint's own) each hand the
// router heartbeat PUBLISH frames as text, as the runtime's WebSocket server
// would; one registry connection, subscribed to 'observatory..feeds.heartbeat'
// (wildcard) in `wamp.2.json.batched`, gets the EVENTs (the frames it is sent
// are counted, not written). What is left of a delivered heartbeat's router
// CPU besides this is the runtime's own (readiness, recv, WebSocket frame,
// string, the write): see bench/RESULTS.md, issue 15.
//
// --link: as the router process behind proxies (`ocs-sim router --proxies`)
// gets them: the agents' frames arrive as records of link batches (80 per
// batch, sim/cluster/link-codec.ts) and the registry's EVENTs leave as
// records of the link's own batches.
//
//   npx bun bench/router-receive.bench.ts [--agents 10000] [--beats 30]
//     [--serializer json|msgpack|cbor] [--link]    (also: npx node / npx deno run -A)

import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { Encoder } from 'cbor-x';
import { Router } from '../sim/router/index.ts';
import { SocketTransport } from '../sim/endpoint/socket-transport.ts';
import type { ServerSocket } from '../src/runtime/serve.ts';
import { SERIALIZERS } from '../src/wamp/serializers/index.ts';
import { runtimeName } from './support/runtime.ts';
import { LinkWriter, readBatch } from '../sim/cluster/link-codec.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const agents = Number(option('agents', '10000'));
const beats = Number(option('beats', '30'));
const serializerName = option('serializer', 'json');
const protocol = `wamp.2.${serializerName}`;
const serializer = SERIALIZERS.get(protocol);
if (!serializer) throw new Error(`No serializer ${protocol}.`);
const viaLink = argv.includes('--link');
const LINK_BATCH = 80;
const cbor = new Encoder({ useRecords: false, mapsAsObjects: true });

function frameOf(message: unknown[]): string | Uint8Array {
  if (serializerName === 'json') return JSON.stringify(message);
  if (serializerName === 'msgpack') return encodeMsgpack(message);
  return cbor.encode(message);
}

const router = new Router({ realms: ['test_realm'], autoCreateRealms: false });
let framesOut = 0;
let bytesOut = 0;
/** The link's writer toward the proxies (what the registry is sent goes through it). */
const linkOut = new LinkWriter((batch) => {
  framesOut++;
  bytesOut += typeof batch === 'string' ? batch.length : batch.byteLength;
}, 0);
function socket(protocol: string, counts: boolean): ServerSocket {
  return {
    protocol,
    send(data) {
      if (!counts) return;
      if (viaLink) {
        linkOut.frame(1, data);
        return;
      }
      framesOut++;
      bytesOut += typeof data === 'string' ? data.length : data.byteLength;
    },
    close() {},
  };
}
function connect(protocol: string, counts: boolean): SocketTransport {
  const wamp = new SocketTransport(socket(protocol, counts), SERIALIZERS.get(protocol)!, { type: 'websocket', authrole: 'iocs_agent' }, {
    badFrame: (error) => {
      throw error;
    },
  });
  router.attach(wamp);
  return wamp;
}
const ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

const registry = connect('wamp.2.json.batched', true);
registry.handlers.message(`${JSON.stringify([1, 'test_realm', { roles: ROLES }])}\u0018`);
registry.handlers.message(`${JSON.stringify([32, 1, { match: 'wildcard' }, 'observatory..feeds.heartbeat'])}\u0018`);

const connections: SocketTransport[] = [];
const frames: Array<Array<string | Uint8Array>> = [];
for (let i = 0; i < agents; i++) {
  const wamp = connect(protocol, false);
  wamp.handlers.message(frameOf([1, 'test_realm', { roles: ROLES }]));
  connections.push(wamp);
  const address = `observatory.agent-${i}`;
  const feed = {
    agent_address: address,
    agg_params: {},
    feed_name: 'heartbeat',
    address: `${address}.feeds.heartbeat`,
    record: false,
    session_id: '1700000000.123456',
    agent_class: 'FakeDataAgent',
  };
  // A few request ids per agent, so that the frames are not all the same text.
  frames.push([1, 2, 3].map((k) => frameOf([16, i * 4 + k, {}, `${address}.feeds.heartbeat`, [[{ acq: 1, count: 1, set_heartbeat: 1 }, feed]]])));
}

/** The link's records toward the router, by link id (the agent's index). */
const linkIn = {
  open() {},
  close() {},
  frame(id: number, data: string | Uint8Array) {
    connections[id]!.handlers.message(data);
  },
};
/** Per round (k % 3), the agents' frames as link batches. */
const batches: Array<Array<string | Uint8Array>> = [0, 1, 2].map((k) => {
  const out: Array<string | Uint8Array> = [];
  const writer = new LinkWriter((batch) => void out.push(batch), 0);
  for (let i = 0; i < agents; i++) {
    writer.frame(i, frames[i]![k]!);
    if ((i + 1) % LINK_BATCH === 0) writer.flush();
  }
  writer.flush();
  return out;
});

function round(k: number): void {
  if (viaLink) {
    for (const batch of batches[k % 3]!) readBatch(batch, linkIn);
    return;
  }
  for (let i = 0; i < agents; i++) connections[i]!.handlers.message(frames[i]![k % 3]!);
}

round(0); // warm up, and every topic seen once
framesOut = 0;
bytesOut = 0;
const delivered0 = router.stats.eventsDelivered;
const start = performance.now();
for (let k = 1; k <= beats; k++) round(k);
linkOut.flush();
const ms = performance.now() - start;
const delivered = router.stats.eventsDelivered - delivered0;
const us = (ms * 1000) / delivered;
console.log(
  `${runtimeName()} ${protocol}${viaLink ? ' via link' : ''}: ${agents} agents x ${beats} beats, ${delivered} delivered, ${
    us.toFixed(2)
  } µs per delivered heartbeat ` +
    `(JavaScript only), ${framesOut} ${viaLink ? 'link batches' : 'frames'} / ${(bytesOut / delivered).toFixed(0)} B per event out`,
);
