// How many fake agents one process holds at 1 Hz with every heartbeat
// delivered (issue: the swarm). A program, not a test:
//   bun bench/swarm.bench.ts [--sizes 10000,50000,100000] [--seconds 20] [--poll 1] [--json out.json]
// Per size: an in-process router, the TypeScript Registry Agent and a swarm
// of N agents (realistic op counts, no faults) on the real clock, plus the
// checker polling `main`. Reports the beat rate achieved against N/s, the
// share delivered to the registry (its heartbeat counter against beats
// sent), publish -> registry-handler latency, false expiries, CPU share and
// RSS. "Sustained" means >= 99.5% of the target rate, 100% delivered, no
// false expiry. Run one size per process for a clean RSS figure.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { Router } from '../sim/router/index.ts';
import { Checker } from '../sim/swarm/checker.ts';
import { inProcessConnector } from '../sim/swarm/connection.ts';
import { DeliveryProbe } from '../sim/swarm/probe.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../sim/swarm/scenario.ts';
import { Swarm } from '../sim/swarm/swarm.ts';
import { sharedPump } from '../sim/transport/pump.ts';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { runtimeName } from './support/runtime.ts';

const REALM = 'test_realm';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function drain(): Promise<void> {
  for (let i = 0; i < 1000 && sharedPump.pending > 0; i++) await sleep(0);
}

async function measure(n: number, seconds: number) {
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    agents: n,
    jitter: 0.02,
    startsPerMin: 0,
    finishesPerMin: 0,
    failsPerMin: 0,
    degradesPerMin: 0,
    crashPerMin: 0,
    hbOffPerMin: 0,
    connectConcurrency: 256,
    seed: 1,
  };
  const router = new Router({ realms: [REALM] });
  const registry = new RegistryAgent({
    address: 'observatory.registry',
    addressRoot: 'observatory',
    clock: systemClock,
    hostname: 'bench',
    pid: 1,
    maxAgents: n + 10,
    waitTime: 3600,
  });
  const swarm = new Swarm(scenario, { clock: systemClock, connect: inProcessConnector(router, REALM) });
  const probe = new DeliveryProbe(swarm);
  registry.heartbeatHandler = probe.wrap(registry.heartbeatHandler);
  await registry.join(await router.connect(REALM));
  // --poll 0: the checker only watches the feed (no 100k-entry table each second).
  const checker = new Checker(swarm, { clock: systemClock, registry: 'observatory.registry', ...scenario, poll: Number(arg('poll', '1')) });
  await checker.attach(await router.connect(REALM));

  const setup0 = performance.now();
  await swarm.start();
  const setupS = (performance.now() - setup0) / 1000;
  // One period so every agent has found its phase.
  await sleep(1500);
  const counters = registry.registry.counters;
  const sent0 = swarm.stats.heartbeatsSent;
  probe.resetLatency();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(seconds * 1000);
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const rss = process.memoryUsage().rss;
  const sentInWindow = swarm.stats.heartbeatsSent - sent0;
  await swarm.stop();
  await drain();
  await checker.poll();
  checker.check(systemClock.now());
  await checker.detach();
  const sent = swarm.stats.heartbeatsSent;
  const delivered = counters.heartbeats;
  const falseExpiries = checker.mismatches.filter((m) => m.kind === 'false-expiry').length;
  const latency = probe.latency.summary();
  registry.agent.stopAllSessions();
  router.close();
  const rateShare = sentInWindow / (n * (wallMs / 1000));
  return {
    agents: n,
    seconds: wallMs / 1000,
    setupSeconds: setupS,
    heartbeatsPerSecond: sentInWindow / (wallMs / 1000),
    targetShare: rateShare,
    sent,
    delivered,
    deliveredShare: delivered / sent,
    falseExpiries,
    mismatches: checker.stats.mismatches,
    latencyUs: latency,
    cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    rssBytes: rss,
    sustained: rateShare >= 0.995 && delivered === sent && falseExpiries === 0,
  };
}

const sizes = arg('sizes', '10000,50000,100000').split(',').map(Number);
const seconds = Number(arg('seconds', '20'));
const keepAlive = setInterval(() => {}, 60_000);
const results: Awaited<ReturnType<typeof measure>>[] = [];
for (const n of sizes) {
  const r = await measure(n, seconds);
  results.push(r);
  const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`;
  console.log(
    `${runtimeName()} ${String(n).padStart(6)} agents x 1 Hz for ${r.seconds.toFixed(0)} s:` +
      ` ${Math.round(r.heartbeatsPerSecond).toLocaleString('en-US')} heartbeats/s (${(r.targetShare * 100).toFixed(2)}% of target)` +
      ` | delivered ${r.delivered}/${r.sent} (${(r.deliveredShare * 100).toFixed(3)}%) | false expiries ${r.falseExpiries}` +
      ` | latency p50 ${ms(r.latencyUs.p50)} p99 ${ms(r.latencyUs.p99)} p99.9 ${ms(r.latencyUs.p999)}` +
      ` | CPU ${(r.cpuShare * 100).toFixed(1)}% of a core, RSS ${(r.rssBytes / 2 ** 20).toFixed(0)} MiB` +
      ` | setup ${r.setupSeconds.toFixed(1)} s | ${r.sustained ? 'SUSTAINED' : 'NOT sustained'}`,
  );
}
clearInterval(keepAlive);
const out = process.argv.indexOf('--json');
if (out >= 0) {
  writeFileSync(process.argv[out + 1]!, JSON.stringify({ bench: 'swarm', runtime: runtimeName(), date: new Date().toISOString(), results }, null, 2));
}
process.exit(0);
