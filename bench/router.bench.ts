// Heartbeat throughput through the in-process router, end to end:
// N agent sessions publish {root}.{id}.feeds.heartbeat -> sim router ->
// one registry session subscribed to 'observatory..feeds.heartbeat'
// (wildcard) -> its handler. Prints events delivered per second.
//
//   npx bun bench/router.bench.ts        (also: npx node / npx deno run -A)
//   options: --agents 1000,10000  --events 5000000  --serialize none|json

import { mkdirSync, writeFileSync } from 'node:fs';
import { Router } from '../sim/router/index.ts';
import type { WampPeer } from '../src/wamp/peer.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const agentCounts = option('agents', '1000,10000').split(',').map(Number);
const eventsPerRun = Number(option('events', '5000000'));
const serialize = option('serialize', 'none') === 'json' ? 'json' : 'none';

const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
const runtime = g.Bun ? `bun ${g.Bun.version}` : g.Deno ? `deno ${g.Deno.version.deno}` : `node ${process.versions.node}`;

/** Lets the message pump finish; a microtask turn normally suffices, a timer turn if it yielded. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

interface Result {
  agents: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

async function run(agentCount: number): Promise<Result> {
  const router = new Router({ serialize });
  const registry = await router.connect('test_realm');
  let received = 0;
  let lastOpCount = 0;
  await registry.subscribe('observatory..feeds.heartbeat', (args) => {
    // What the registry's handler minimally does: unpack [op_codes, feed].
    const beat = args[0] as [Record<string, number>, { agent_address: string }];
    lastOpCount = beat[0].acq ?? 0;
    received++;
  }, { match: 'wildcard' });

  const agents: WampPeer[] = [];
  for (let i = 0; i < agentCount; i += 500) {
    const batch = Math.min(500, agentCount - i);
    agents.push(...(await Promise.all(Array.from({ length: batch }, () => router.connect('test_realm')))));
  }
  // Each agent keeps its topic, op codes and feed description, as a real agent does.
  const topics = agents.map((_, i) => `observatory.fake-data${i}.feeds.heartbeat`);
  const opCodes = agents.map(() => ({ acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 }));
  const feeds = agents.map((_, i) => ({
    agent_address: `observatory.fake-data${i}`,
    agg_params: {},
    feed_name: 'heartbeat',
    address: topics[i],
    record: false,
    session_id: '1700000000.123',
    agent_class: 'FakeDataAgent',
  }));

  const beatRound = (): void => {
    for (let i = 0; i < agents.length; i++) {
      (agents[i] as WampPeer).publish(topics[i] as string, [[opCodes[i], feeds[i]]]);
    }
  };

  // Warm-up: fills the route cache and lets the JIT settle.
  for (let r = 0; r < Math.max(3, Math.ceil(200_000 / agentCount)); r++) {
    beatRound();
    await null;
  }
  await settle();

  const rounds = Math.max(1, Math.round(eventsPerRun / agentCount));
  const expected = received + rounds * agentCount;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    beatRound();
    // One microtask turn: the pump drains PUBLISH and EVENT in one go.
    await null;
  }
  while (received < expected) await settle();
  const seconds = (performance.now() - start) / 1000;
  const events = rounds * agentCount;
  if (lastOpCount !== 1 || received !== expected) throw new Error(`lost events: ${received} of ${expected}`);
  router.close();
  await settle();
  return { agents: agentCount, events, seconds, eventsPerSecond: events / seconds };
}

const results: Result[] = [];
for (const n of agentCounts) {
  const result = await run(n);
  results.push(result);
  console.log(
    `${runtime} serialize=${serialize} agents=${n}: ${Math.round(result.eventsPerSecond).toLocaleString('en-US')} heartbeats/s ` +
      `(${result.events.toLocaleString('en-US')} in ${result.seconds.toFixed(2)} s)`,
  );
}

const record = { bench: 'router', runtime, serialize, date: new Date().toISOString(), results };
try {
  mkdirSync('bench/out', { recursive: true });
  const file = `bench/out/router-${runtime.split(' ')[0]}-${serialize}.json`;
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`record: ${file}`);
} catch {
  console.log(JSON.stringify(record));
}
