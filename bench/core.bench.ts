// Registry core benchmark (issue: registry core). A program, not a test:
//   bun bench/core.bench.ts [--sizes 1000,10000,100000] [--suspect-after 2|Infinity] [--json out.json]
// Prints one human line per figure and writes one JSON record.
// Run it through scripts/bench-all.ts for every runtime and the median of several processes.

import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { Registry } from '../src/core/registry.ts';
import { runtimeName } from './support/runtime.ts';

const ROOT = 'observatory';
const T0 = 1_700_000_000;
const OPS = ['acq', 'count', 'set_heartbeat', 'delay_task'];

interface SizeResult {
  agents: number;
  ingestPerSec: number;
  ingestClearingSuspectPerSec: number;
  expiryMsPerRegistrySecond: number;
  expiredPerRegistrySecond: number;
  suspectedPerRegistrySecond: number;
  tableReadNs: number;
  tableJsonMs: number;
  heapBytesPerAgent: number | null;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The registry as benchmarked: --suspect-after Infinity turns the suspect deadlines off, for an A/B. */
const SUSPECT_AFTER = Number(arg('suspect-after') ?? 2);
function newRegistry(n: number): Registry {
  return new Registry({ addressRoot: ROOT, maxAgents: n, suspectAfter: SUSPECT_AFTER });
}

/** A heartbeat event as a subscriber receives it: [topic, args]. */
function event(id: number, variant: number): [string, unknown[]] {
  const address = `${ROOT}.agent-${id}`;
  const ops: Record<string, number> = {};
  for (let k = 0; k < OPS.length; k++) ops[OPS[k] as string] = k === 0 ? 1 + 2 * variant : 1; // acq: 1 or 3
  const feed = {
    agent_address: address,
    agg_params: {},
    feed_name: 'heartbeat',
    address: `${address}.feeds.heartbeat`,
    record: false,
    session_id: `1700000000.${100000 + id}`,
    agent_class: 'FakeDataAgent',
  };
  return [`${address}.feeds.heartbeat`, [[ops, feed]]];
}

/** Deterministic PRNG so every runtime sees the same stream. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function gc(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  // Several full collections: one can leave garbage a later one frees, which
  // would land between the two readings and skew them.
  for (let i = 0; i < 3; i++) {
    if (g.Bun) g.Bun.gc(true);
    else g.gc?.();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/**
 * Steady state: every agent at 1 Hz of registry time, 5% of heartbeats change
 * acq. Events are parsed from their wire text in batches just before they
 * are ingested, as a decoder hands them over: fresh in cache, while the
 * registry's own state for 10k or 100k agents is not. Only ingest is timed.
 */
function ingestRate(n: number): number {
  const registry = newRegistry(n);
  for (let i = 0; i < n; i++) registry.ingest(...event(i, 0), T0);
  const variant = new Uint8Array(n);
  const random = rng(42);
  const total = Math.max(1_024_000, n * 10);
  const batch = 64; // small enough that the parsed events stay in cache, as when decoded one by one
  const wire = [0, 1].map((v) => Array.from({ length: n }, (_, i) => JSON.stringify(event(i, v))));
  const topics: string[] = new Array(batch);
  const args: unknown[][] = new Array(batch);
  const rounds: number[] = [];
  let now = T0 + 1;
  const step = 1 / n;
  for (let round = 0, i = 0; round < 3; round++) {
    let timed = 0;
    for (let done = 0; done < total; done += batch) {
      for (let b = 0; b < batch; b++, i = i + 1 === n ? 0 : i + 1) {
        if (random() < 0.05) variant[i] = 1 - (variant[i] as number);
        const e = JSON.parse(wire[variant[i] as number]![i]!) as [string, unknown[]];
        topics[b] = e[0];
        args[b] = e[1];
      }
      const start = performance.now();
      for (let b = 0; b < batch; b++) {
        registry.ingest(topics[b], args[b], now);
        now += step;
      }
      timed += performance.now() - start;
    }
    rounds.push(total / (timed / 1000));
  }
  return median(rounds);
}

/**
 * Registry time in 50 ms sweeps; 1% of agents fall silent each second and
 * come back 10 s later. Each silent agent is swept twice: suspect at 3 s, expired at 5 s.
 */
function expiryCost(n: number): { msPerSecond: number; expiredPerSecond: number; suspectedPerSecond: number } {
  const events = Array.from({ length: n }, (_, i) => event(i, 0));
  const registry = newRegistry(n);
  const silentUntil = new Float64Array(n);
  const random = rng(7);
  const seconds = 30;
  const warmup = 10;
  let sweepMs = 0;
  let expired = 0;
  let suspected = 0;
  let now = T0;
  for (let s = 0; s < seconds; s++) {
    const toSilence = Math.round(n * 0.01);
    for (let k = 0; k < toSilence; k++) silentUntil[Math.floor(random() * n)] = now + 10;
    for (let tick = 0; tick < 20; tick++) {
      // Each agent beats once a second, spread over the 20 ticks.
      for (let i = tick; i < n; i += 20) {
        if (silentUntil[i]! <= now) registry.ingest(...(events[i]!), now);
      }
      now += 0.05;
      const start = performance.now();
      const changes = registry.expire(now);
      if (s >= warmup) {
        sweepMs += performance.now() - start;
        for (const c of changes) {
          if (c.expired) expired++;
          else if (c.suspected) suspected++;
        }
      }
    }
  }
  const span = seconds - warmup;
  return { msPerSecond: sweepMs / span, expiredPerSecond: expired / span, suspectedPerSecond: suspected / span };
}

/**
 * The suspect path's worst case: every agent suspect (its session left), and
 * each heartbeat clears it (the slow path, a change per heartbeat).
 */
function ingestClearingSuspect(n: number): number {
  const registry = newRegistry(n);
  const wire = Array.from({ length: n }, (_, i) => JSON.stringify(event(i, 0)));
  for (let i = 0; i < n; i++) registry.ingest(...(JSON.parse(wire[i]!) as [string, unknown[]]), T0);
  const rounds: number[] = [];
  let now = T0;
  for (let round = 0; round < 3; round++) {
    now += 1;
    for (let i = 0; i < n; i++) registry.suspect(`${ROOT}.agent-${i}`, now);
    let timed = 0;
    for (let from = 0; from < n; from += 64) {
      const batch: [string, unknown[]][] = [];
      for (let i = from; i < Math.min(n, from + 64); i++) batch.push(JSON.parse(wire[i]!) as [string, unknown[]]);
      const start = performance.now();
      for (const e of batch) registry.ingest(e[0], e[1], now);
      timed += performance.now() - start;
    }
    if (registry.suspectCount !== 0) throw new Error('every heartbeat should have cleared its suspect');
    rounds.push(n / (timed / 1000));
  }
  return median(rounds);
}

function tableCosts(n: number): { readNs: number; jsonMs: number } {
  const registry = newRegistry(n);
  for (let i = 0; i < n; i++) registry.ingest(...event(i, 0), T0);
  const reads = 1_000_000;
  let sink = 0;
  const start = performance.now();
  for (let k = 0; k < reads; k++) sink += registry.table() === null ? 1 : 0;
  const readNs = ((performance.now() - start) * 1e6) / reads + sink;
  const jsonRuns: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    JSON.stringify(registry.table());
    jsonRuns.push(performance.now() - t);
  }
  return { readNs, jsonMs: median(jsonRuns) };
}

/** JS heap plus typed-array memory: Bun counts typed arrays in heapUsed, V8 (Node, Deno) as external. */
function memoryUsed(): number {
  const m = process.memoryUsage();
  if ((globalThis as { Bun?: unknown }).Bun) return m.heapUsed;
  return m.heapUsed + m.external;
}

/**
 * Heap growth per tracked agent (typed arrays included); each event is parsed
 * afresh, as off the wire, so nothing is shared. The wire texts live across
 * both readings, so only the registry's growth is counted.
 */
function heapPerAgent(n: number): number | null {
  if (!(globalThis as { gc?: unknown }).gc && !(globalThis as { Bun?: unknown }).Bun) return null;
  const wire = Array.from({ length: n }, (_, i) => JSON.stringify(event(i, 0)));
  gc();
  const before = memoryUsed();
  const registry = newRegistry(n);
  for (let i = 0; i < n; i++) registry.ingest(...(JSON.parse(wire[i]!) as [string, unknown[]]), T0);
  gc();
  const after = memoryUsed();
  const perAgent = registry.size === n && wire.length === n ? (after - before) / n : null;
  return perAgent;
}

const sizes = (arg('sizes') ?? '1000,10000,100000').split(',').map(Number);
// Heap first, on a clean heap: the other phases leave garbage that a later
// collection would free between the two readings.
const heaps = new Map(sizes.map((n) => [n, heapPerAgent(n)]));
const results: SizeResult[] = [];
for (const n of sizes) {
  const ingest = ingestRate(n);
  const clearing = ingestClearingSuspect(n);
  const expiry = expiryCost(n);
  const table = tableCosts(n);
  const heap = heaps.get(n) ?? null;
  const r: SizeResult = {
    agents: n,
    ingestPerSec: ingest,
    ingestClearingSuspectPerSec: clearing,
    expiryMsPerRegistrySecond: expiry.msPerSecond,
    expiredPerRegistrySecond: expiry.expiredPerSecond,
    suspectedPerRegistrySecond: expiry.suspectedPerSecond,
    tableReadNs: table.readNs,
    tableJsonMs: table.jsonMs,
    heapBytesPerAgent: heap,
  };
  results.push(r);
  console.log(
    `${runtimeName()} ${String(n).padStart(6)} agents: ingest ${(ingest / 1e6).toFixed(2)}M heartbeats/s` +
      ` (each clearing a suspect: ${(clearing / 1e6).toFixed(2)}M/s)` +
      ` | expiry ${expiry.msPerSecond.toFixed(3)} ms per registry-second (${expiry.expiredPerSecond.toFixed(0)} expired/s, ${
        expiry.suspectedPerSecond.toFixed(0)
      } suspect/s)` +
      ` | table read ${table.readNs.toFixed(1)} ns, JSON ${table.jsonMs.toFixed(2)} ms` +
      ` | heap ${heap === null ? 'n/a' : `${heap.toFixed(0)} B`}/agent`,
  );
}

const record = { bench: 'core', runtime: runtimeName(), suspectAfter: SUSPECT_AFTER, date: new Date().toISOString(), results };
const out = arg('json');
if (out) writeFileSync(out, JSON.stringify(record, null, 2));
