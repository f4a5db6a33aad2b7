// End to end in one process: N FakeDataAgents -> in-process router ->
// Registry Agent (issue: the Registry Agent). A program, not a test:
//   bun bench/e2e.bench.ts [--sizes 1000,10000,100000] [--seconds 8] [--json out.json]
// Prints, per size: heartbeats delivered per second at saturation; the CPU
// share of one core at N agents x 1 Hz (whole process, and the registry core
// alone); and the delay from an agent's last heartbeat to EXPIRED in `main`
// session data and on agent_operations (p50/p99/max).

import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { Router } from '../sim/router/index.ts';
import { FakeDataAgent } from '../sim/agents/fake-data.ts';
import { sharedPump } from '../sim/transport/pump.ts';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { runtimeName } from './support/runtime.ts';

const REALM = 'test_realm';
const TIMEOUT = 5;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Let the in-memory network drain: the pump delivers on microtasks, and yields to timers after a long batch. */
const quiet = async () => {
  do {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    if (sharedPump.pending > 0) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  } while (sharedPump.pending > 0);
};

function percentile(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number) : Number.NaN;
}

async function network(n: number) {
  const router = new Router({ realms: [REALM] });
  const registry = new RegistryAgent({
    address: 'observatory.registry',
    addressRoot: 'observatory',
    clock: systemClock,
    hostname: 'bench',
    pid: 1,
    agentTimeout: TIMEOUT,
    maxAgents: n + 10,
  });
  // Time everything the registry does per heartbeat: ingest, publishing changes, listeners.
  const handlerMs = { value: 0 };
  const handle = registry.heartbeatHandler;
  registry.heartbeatHandler = (args, kwargs, details) => {
    const t = performance.now();
    handle(args, kwargs, details);
    handlerMs.value += performance.now() - t;
  };
  await registry.join(await router.connect(REALM));
  const fakes: FakeDataAgent[] = [];
  for (let i = 0; i < n; i++) {
    // One shared schedule below instead of a timer per agent.
    const fake = new FakeDataAgent({ address: `observatory.agent-${i}`, clock: systemClock, heartbeatTimer: false });
    await fake.agent.join(await router.connect(REALM));
    fakes.push(fake);
  }
  await quiet();
  return { router, registry, fakes, handlerMs };
}

/** Every agent beats as fast as the network takes it; count what reaches the registry. */
async function saturation(net: Awaited<ReturnType<typeof network>>): Promise<number> {
  const counters = net.registry.registry.counters;
  const target = Math.max(1_000_000, net.fakes.length * 5);
  const start = performance.now();
  const before = counters.heartbeats;
  while (counters.heartbeats - before < target) {
    for (const fake of net.fakes) fake.agent.heartbeat();
    await quiet();
  }
  return (counters.heartbeats - before) / ((performance.now() - start) / 1000);
}

/**
 * Real time, N agents x 1 Hz spread over each second; 1% fall silent after 1 s.
 * Returns the CPU share and the EXPIRED delays.
 */
async function steadyState(net: Awaited<ReturnType<typeof network>>, seconds: number) {
  const { fakes, registry } = net;
  const core = registry.registry;
  const handlerMs = net.handlerMs;
  const handler0 = handlerMs.value;
  const silent = new Set<string>();
  const inData: number[] = [];
  const onFeed: number[] = [];
  const observer = await net.router.connect(REALM);
  await observer.subscribe('observatory.registry.feeds.agent_operations', (args) => {
    const message = (args[0] as [Record<string, { data: Record<string, number[]> }>])[0];
    const field = Object.keys(message)[0] as string;
    const address = `observatory.${field.replace(/^observatory_/, '').replace(/_(acq|count|set_heartbeat|delay_task)$/, '').replace('agent_', 'agent-')}`;
    // Measured from the last heartbeat the registry holds (its deadline is that + timeout).
    if (silent.has(address) && message[field]?.data[field]?.[0] === 7 && field.endsWith('_acq')) {
      onFeed.push(systemClock.now() - (core.get(address)?.last_updated ?? Number.NaN));
    }
  });
  registry.onChange((change) => {
    if (change.expired && silent.has(change.agent.address)) inData.push(systemClock.now() - change.agent.last_updated);
  });

  const slices = 100;
  const perSlice = Math.ceil(fakes.length / slices);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let slice = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const from = (slice % slices) * perSlice;
      for (let i = from; i < Math.min(from + perSlice, fakes.length); i++) fakes[i]!.agent.heartbeat();
      slice++;
      if (slice === slices) {
        // After 1 s: 1% of the agents stop their heartbeat (as set_heartbeat(False) does).
        for (let i = 0; i < fakes.length; i += 100) {
          fakes[i]!.agent.heartbeatOn = false;
          silent.add(fakes[i]!.agent.address);
        }
      }
      if (slice >= seconds * slices) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / slices);
  });
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const d = sort(inData);
  const f = sort(onFeed);
  return {
    processCpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    registryCpuShare: (handlerMs.value - handler0) / wallMs,
    expiredInData: { count: d.length, expected: silent.size, p50: percentile(d, 0.5), p99: percentile(d, 0.99), max: d.at(-1) ?? Number.NaN },
    expiredOnFeed: { count: f.length, expected: silent.size, p50: percentile(f, 0.5), p99: percentile(f, 0.99), max: f.at(-1) ?? Number.NaN },
  };
}

const sizes = arg('sizes', '1000,10000,100000').split(',').map(Number);
const seconds = Number(arg('seconds', '8'));
const results: Record<string, unknown>[] = [];
for (const n of sizes) {
  const setup0 = performance.now();
  const net = await network(n);
  const setupS = (performance.now() - setup0) / 1000;
  const rss = process.memoryUsage().rss;
  const saturated = await saturation(net);
  // Let the saturation backlog settle before the steady state.
  net.registry.agent.heartbeatOn = true;
  const steady = await steadyState(net, seconds);
  const ms = (s: number) => `${((s - TIMEOUT) * 1000).toFixed(0)} ms`;
  console.log(
    `${runtimeName()} ${String(n).padStart(6)} agents: saturation ${(saturated / 1e6).toFixed(2)}M heartbeats/s delivered` +
      ` | at 1 Hz: process ${(steady.processCpuShare * 100).toFixed(1)}% of a core, registry ${(steady.registryCpuShare * 100).toFixed(2)}%` +
      ` | EXPIRED after timeout + p50 ${ms(steady.expiredInData.p50)}, p99 ${ms(steady.expiredInData.p99)}, max ${ms(steady.expiredInData.max)}` +
      ` (data ${steady.expiredInData.count}/${steady.expiredInData.expected}, feed ${steady.expiredOnFeed.count}/${steady.expiredOnFeed.expected})` +
      ` | setup ${setupS.toFixed(1)} s, RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
  );
  results.push({ agents: n, saturationPerSec: saturated, ...steady, setupSeconds: setupS, rssBytes: rss });
  for (const fake of net.fakes) fake.agent.heartbeatOn = false;
  net.router.close();
}
const out = process.argv.indexOf('--json');
if (out >= 0) writeFileSync(process.argv[out + 1]!, JSON.stringify({ bench: 'e2e', runtime: runtimeName(), date: new Date().toISOString(), results }, null, 2));
process.exit(0);
