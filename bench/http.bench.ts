// The HTTP API under a 10k-agent registry, in-process with app.request():
// GET /api/agents/:address p99, GET /api/agents (all agents) p99 and the
// first (nothing cached) request, /metrics (and its first scrape)
// time, and how fast 100 event-stream clients receive every transition.
// Agents heartbeat through the in-process router between measurements
// (one round = every agent beats once = one second of registry time).
//
//   npx node bench/http.bench.ts [--agents 10000] [--clients 100] [--json out.json]
//   (also npx bun, npx deno run -A)

import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { Router } from '../sim/router/index.ts';
import { createHttpApp } from '../src/http/index.ts';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import type { WampPeer } from '../src/wamp/peer.ts';
import { FakeClock } from '../test/support/fake-clock.ts';
import { runtimeName } from './support/runtime.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string | null): string | null {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const AGENTS = Number(option('agents', '10000'));
const CLIENTS = Number(option('clients', '100'));
const jsonOut = option('json', null);

const REALM = 'test_realm';
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
function stats(samples: number[]): { p50: number; p90: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] as number };
}

// ---- a 10k-agent registry on the in-process router ----------------------
const clock = new FakeClock();
const router = new Router({ realms: [REALM] });
const registryAgent = new RegistryAgent({
  address: 'observatory.registry',
  addressRoot: 'observatory',
  clock,
  hostname: 'bench',
  pid: 1,
  waitTime: 1e9,
});
await registryAgent.join(await router.connect(REALM));
const publisher: WampPeer = await router.connect(REALM);
const app = createHttpApp({ registryAgent, clock, lagProbeMs: 0, eventBufferSize: 50_000 });

const classes = ['FakeDataAgent', 'LakeshoreAgent', 'HWPSupervisor', 'ACUAgent', 'SmurfStreamer'];
const addresses = Array.from({ length: AGENTS }, (_, i) => `observatory.agent-${i}`);
const ops = addresses.map(() => ({ acq: 3, monitor: 3, set_values: 1, scan: 5 }));
const feeds = addresses.map((address, i) => ({
  agent_address: address,
  agg_params: {},
  feed_name: 'heartbeat',
  address: `${address}.feeds.heartbeat`,
  record: false,
  session_id: '1700000000.1',
  agent_class: classes[i % classes.length],
}));

/** Every agent beats once; one second of registry time passes. */
async function beatRound(): Promise<void> {
  const before = registryAgent.registry.counters.heartbeats;
  for (let i = 0; i < AGENTS; i++) publisher.publish(feeds[i]!.address, [[ops[i], feeds[i]]]);
  while (registryAgent.registry.counters.heartbeats < before + AGENTS) await macrotask();
  clock.advance(1000);
}

for (let r = 0; r < 3; r++) await beatRound();
if (registryAgent.registry.size !== AGENTS) throw new Error(`only ${registryAgent.registry.size} agents joined`);

// ---- GET /api/agents/:address ---------------------------------------------
const oneMs: number[] = [];
for (let r = 0; r < 4; r++) {
  await beatRound();
  for (let i = 0; i < 1000; i++) {
    const address = addresses[(i * 7919 + r) % AGENTS]!;
    const t = performance.now();
    const response = await app.request(`/api/agents/${address}`);
    await response.text();
    oneMs.push(performance.now() - t);
    if (response.status !== 200) throw new Error(`GET /api/agents/${address}: ${response.status}`);
  }
}
const one = stats(oneMs);

// ---- /metrics ---------------------------------------------------------------
// A scrape after each second of heartbeats, in which 5% of the agents changed
// an op code (their lines are rendered again; the rest are cached). The first
// scrape of a fresh app in this warmed-up process, with nothing cached, is
// reported apart.
const metricsMs: number[] = [];
let metricsBytes = 0;
let metricsSeries = 0;
const scrape = async (target: typeof app) => {
  const t = performance.now();
  const body = await (await target.request('/metrics')).text();
  const ms = performance.now() - t;
  metricsBytes = body.length;
  metricsSeries = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return ms;
};
await scrape(app);
for (let r = 0; r < 40; r++) {
  for (let k = 0; k < AGENTS / 20; k++) {
    const i = (r * 997 + k * 20) % AGENTS;
    ops[i] = { ...ops[i]!, acq: ops[i]!.acq === 3 ? 5 : 3 };
  }
  await beatRound();
  metricsMs.push(await scrape(app));
}
const metrics = stats(metricsMs);
const metricsColdMs: number[] = [];
for (let r = 0; r < 3; r++) {
  const fresh = createHttpApp({ registryAgent, clock, lagProbeMs: 0 });
  metricsColdMs.push(await scrape(fresh));
  fresh.close();
}
const metricsCold = stats(metricsColdMs);

// ---- 100 event-stream clients ----------------------------------------------
// Each round, CHANGED agents change an op code (one ops-changed event each).
// Latency: from publishing the heartbeats to the last client having every event.
const CHANGED = 100;
const ROUNDS = 20;
const received = new Array<number>(CLIENTS).fill(0);
const readers = await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
  const response = await app.request('/api/events');
  const reader = response.body!.getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      // Count frames by their "id:" lines (bytes 'i','d',':' at a line start).
      for (let i = 0; i + 2 < value.length; i++) {
        if (value[i] === 105 && value[i + 1] === 100 && value[i + 2] === 58 && (i === 0 || value[i - 1] === 10)) received[c]!++;
      }
    }
  })();
  return reader;
}));
const roundMs: number[] = [];
let expected = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < CHANGED; k++) {
    const i = (r * CHANGED + k) % AGENTS;
    ops[i] = { ...ops[i]!, acq: ops[i]!.acq === 3 ? 4 : 3 };
  }
  expected += CHANGED;
  const t = performance.now();
  await beatRound();
  while (received.some((n) => n < expected)) await macrotask();
  roundMs.push(performance.now() - t);
}
const events = stats(roundMs);
const dropped = app.events.stream.stats.dropped;
for (const reader of readers) await reader.cancel();

// Heartbeat round alone, for reference (what the registry itself costs per round).
const beatMs: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  await beatRound();
  beatMs.push(performance.now() - t);
}
const beat = stats(beatMs);

// ---- GET /api/agents (all) --------------------------------------------------
// Last, because from its first request the list keeps its entries warm on a
// timer, which would fall into the other sections' timings here (the fake
// clock fires a second of refreshes at once).
// At 1 Hz the heartbeats are spread over each second: every 100 ms a tenth of
// the agents beat. A request comes at the end of a slice, just before the
// list's next refresh (the worst moment: a whole refresh interval of changed
// entries to render). A request with nothing cached (the first, or the first
// after a minute without any) is reported apart: the cost of a full render.
async function beatSlice(slice: number, slices: number): Promise<void> {
  const before = registryAgent.registry.counters.heartbeats;
  let sent = 0;
  for (let i = slice; i < AGENTS; i += slices, sent++) publisher.publish(feeds[i]!.address, [[ops[i], feeds[i]]]);
  while (registryAgent.registry.counters.heartbeats < before + sent) await macrotask();
}
const listUrl = `/api/agents?limit=${AGENTS}`;
let allBytes = 0;
const allMs: number[] = [];
for (let r = 0; r < 300; r++) {
  await beatSlice(r % 10, 10);
  const t = performance.now();
  const response = await app.request(listUrl);
  const body = await response.arrayBuffer();
  allMs.push(performance.now() - t);
  allBytes = body.byteLength;
  clock.advance(100);
}
const all = stats(allMs);
// A list request with nothing cached, in a warmed-up process: a fresh app each time.
const coldMs: number[] = [];
for (let r = 0; r < 5; r++) {
  const fresh = createHttpApp({ registryAgent, clock, lagProbeMs: 0 });
  const t = performance.now();
  await (await fresh.request(listUrl)).arrayBuffer();
  coldMs.push(performance.now() - t);
  fresh.close();
}
const cold = stats(coldMs);

app.close();
router.close();

const runtime = runtimeName();
const f = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);
console.log(`http bench, ${runtime}, ${AGENTS} agents heartbeating:`);
console.log(`  GET /api/agents/:address   p50 ${f(one.p50)}  p99 ${f(one.p99)}`);
console.log(
  `  GET /api/agents (${AGENTS})  p50 ${f(all.p50)}  p90 ${f(all.p90)}  p99 ${f(all.p99)}  (${
    (allBytes / 1e6).toFixed(1)
  } MB; 1 Hz heartbeats spread over the second;` +
    ` nothing cached: p50 ${f(cold.p50)})`,
);
console.log(
  `  GET /metrics               p50 ${f(metrics.p50)}  p99 ${f(metrics.p99)}  (${metricsSeries} series, ${(metricsBytes / 1e6).toFixed(1)} MB;` +
    ` 5% of agents change a code each second; nothing cached: p50 ${f(metricsCold.p50)})`,
);
console.log(
  `  ${CLIENTS} SSE clients: every one of ${CHANGED} transitions/round received within p50 ${f(events.p50)}, ` +
    `p99 ${f(events.p99)} of publishing the round's heartbeats (a heartbeat round alone: p50 ${f(beat.p50)}); dropped ${dropped}`,
);

if (jsonOut !== null) {
  const record = {
    bench: 'http',
    runtime,
    date: new Date().toISOString(),
    agents: AGENTS,
    clients: CLIENTS,
    agentMs: one,
    allAgentsMs: all,
    allAgentsColdMs: cold,
    allAgentsBytes: allBytes,
    metricsMs: metrics,
    metricsColdMs: metricsCold,
    metricsBytes,
    metricsSeries,
    events: { transitionsPerRound: CHANGED, rounds: ROUNDS, roundMs: events, heartbeatRoundMs: beat, dropped },
  };
  writeFileSync(jsonOut, JSON.stringify(record, null, 2) + '\n');
  console.log(`record: ${jsonOut}`);
}
