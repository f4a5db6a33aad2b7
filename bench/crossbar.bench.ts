// The registry in production shape, under load, through a real crossbar (one
// router worker, or with proxy workers in front) or through the simulator's
// own router (`ocs-sim router`, with --proxies N its `--proxies N` spread over
// processes). A program, not a test; needs .venv-crossbar
// (and .venv for the Python registry), as .ci/run installs them:
//   bun bench/crossbar.bench.ts [--router crossbar|sim] [--proxies N] [--proxy-runtime bun|node|deno] [--registry ts|python]
//       [--sizes 1000,2000,3000] [--seconds 60] [--seed 1] [--serializer LIST]
//       [--registry-serializer LIST] [--swarms K] [--poll S] [--poll-others S] [--all] [--observer] [--json out.json]
// (OCS_BENCH_CPU_PROF=dir: CPU profiles of every Bun process, see support/profile.ts)
// Per size, from scratch: the router; the registry (TypeScript `ocs-registry`
// on Bun, or Python's RegistryAgent from the `ocs` package) as its own
// process; then K `ocs-sim swarm` processes over WebSocket (default: one per
// 15,000 agents, each WebSocket is a file descriptor and a process may open
// 20,000 here) with the default scenario (op changes, crashes, heartbeat-off
// windows) and their checkers watching the registry like any OCS client.
// The registry is the only subscriber to heartbeats, as in production
// (--observer adds the swarm's own wildcard subscription, which doubles the
// router's deliveries). --serializer is what the agents offer (e.g.
// cbor.batched,cbor,msgpack,json as autobahn-python does), --registry-serializer
// what the registry offers (default: the registry's own, json.batched,json). Prints heartbeats/s sent and
// delivered; CPU share and RSS of the registry, the router (crossbar: its
// router worker and its proxy workers apart) and the swarms (from /proc); CPU
// per delivered heartbeat of each; the registry's lag (op change in a
// heartbeat -> on agent_operations; expiry seen after the timeout) and the
// checkers' verdict. A size is "tracked" when every checker passes (no false,
// missed or late expiry, every op change seen, every agent joined) and the
// op-change lag p99 is under 1 s. Sizes run in order and stop at the first one
// not tracked (--all: run all).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { RunRecord } from '../sim/swarm/report.ts';
import { freePort } from '../test/support/crossbar.ts';
import { writeSite } from '../test/interop/python.ts';
import { cpuShare, rssOf, ticksOf, tree } from './support/proc.ts';
import { profileFlags } from './support/profile.ts';
import { type RouterUnderTest, startRouter } from './support/routers.ts';
import { runtimeName } from './support/runtime.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BUN = join(ROOT, 'node_modules/.bin/bun');
const PYTHON = join(ROOT, '.venv/bin/python');
const LAG_LIMIT_US = 1_000_000;
/** Agents per swarm process by default: well under the open-files limit (20,000 here). */
const AGENTS_PER_SWARM = 15_000;
/** How long the agents may take to join before a size counts as failed. */
const JOIN_LIMIT_MS = 180_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Call an OCS operation through the router's HTTP bridge; null when it is not there (yet). */
async function callOps(router: RouterUnderTest, args: unknown[]): Promise<unknown[] | null> {
  try {
    const res = await fetch(`${router.httpUrl}/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ procedure: 'observatory.registry.ops', args, kwargs: {} }),
    });
    const body = (await res.json()) as { args?: unknown[] };
    return res.status === 200 ? (body.args ?? null) : null;
  } catch {
    return null;
  }
}

async function heartbeatsCounted(httpPort: number | null, registry: Registry): Promise<number | null> {
  if (httpPort === null) return null;
  let text: string;
  try {
    text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  } catch (error) {
    // Say what became of the registry (a 40k run once broke off here with no clue).
    const state = registry.child.exitCode !== null || registry.child.signalCode !== null
      ? `exited (code ${registry.child.exitCode}, signal ${registry.child.signalCode})`
      : 'still running';
    throw new Error(
      `the registry's /metrics did not answer (${(error as Error).message}); the registry ${state}; its last output:\n${registry.output().slice(-4000)}`,
    );
  }
  const m = /^ocs_registry_heartbeats_received_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

interface Registry {
  child: ChildProcess;
  httpPort: number | null;
  output(): string;
}

async function startRegistry(kind: string, router: RouterUnderTest, siteDir: string, n: number, serializer: string): Promise<Registry> {
  const common = ['--site-file', join(siteDir, 'default.yaml'), '--site-host', 'localhost', '--instance-id', 'registry', '--site-hub', router.wsUrl];
  let command: string;
  let args: string[];
  let httpPort: number | null = null;
  if (kind === 'ts') {
    httpPort = await freePort();
    command = BUN;
    args = [
      ...profileFlags(),
      join(ROOT, 'bin/ocs-registry.ts'),
      ...common,
      '--http-port',
      String(httpPort),
      '--max-agents',
      String(n * 2 + 1000),
      ...(serializer ? ['--serializer', serializer] : []),
      '--state-file',
      'none',
    ];
  } else {
    command = PYTHON;
    args = ['-u', '-m', 'ocs.agents.registry.agent', ...common];
  }
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OCS_CONFIG_DIR: siteDir } });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const reply = (await callOps(router, ['status', 'main', {}]))?.[0] as [number, string, { status?: string }] | undefined;
    if (reply?.[2]?.status === 'running') return { child, httpPort, output: () => text };
    if (child.exitCode !== null) break;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`the ${kind} registry did not start:\n${text}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(hard);
}

interface SwarmProcess {
  child: ChildProcess;
  recordFile: string;
  text(): string;
  joined: Promise<boolean>;
  /** When it said its agents had joined (performance.now()); its --duration runs from there. */
  joinedAt: number;
  exited: Promise<number>;
}

function startSwarm(i: number, agents: number, options: Options, router: RouterUnderTest, work: string): SwarmProcess {
  const recordFile = join(work, `swarm-${i}.json`);
  const child = spawn(BUN, [
    ...profileFlags(),
    join(ROOT, 'bin/ocs-sim.ts'),
    'swarm',
    '--url',
    router.wsUrls[i % router.wsUrls.length] ?? router.wsUrl,
    '--registry',
    'observatory.registry',
    '--agents',
    String(agents),
    '--name',
    `s${i}-{i}`,
    '--duration',
    String(options.seconds),
    '--seed',
    String(options.seed + i),
    '--serializer',
    options.serializer,
    '--poll',
    String(i === 0 ? options.poll : options.pollOthers),
    '--json',
    recordFile,
    '--quiet',
    ...(options.observer ? [] : ['--no-observer']),
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const joined = new Promise<boolean>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (/agents joined in/.test(text)) {
        swarm.joinedAt = Math.min(swarm.joinedAt, performance.now());
        resolve(true);
      }
    });
    void exited.then(() => resolve(false));
  });
  const swarm: SwarmProcess = { child, recordFile, text: () => text, joined, joinedAt: Infinity, exited };
  return swarm;
}

interface Options {
  kind: string;
  router: string;
  proxies: number;
  /** The simulator's proxies' runtime ('' = Bun, as the router). */
  proxyRuntime: string;
  seconds: number;
  seed: number;
  serializer: string;
  registrySerializer: string;
  swarms: number | null;
  poll: number;
  /** Seconds between polls of swarms after the first: with several swarms each poll of a big table costs every part
   * again (12 MB of JSON at 50k agents), while the feed still checks every op change and expiry of every swarm's
   * agents and every swarm polls once at its end. */
  pollOthers: number;
  observer: boolean;
}

/** CPU share of one core, RSS, and CPU per heartbeat delivered to the registry (µs). */
interface Usage {
  cpu: number;
  rssMiB: number;
  usPerHeartbeat: number | null;
}

interface SizeResult {
  router: string;
  registry: string;
  serializer: string;
  registrySerializer: string;
  agents: number;
  swarms: number;
  seconds: number;
  sentPerS: number;
  deliveredPercent: number | null;
  registryHeartbeatsPerS: number | null;
  usage: { registry: Usage; router: Usage; proxies: Usage | null; swarms: Usage };
  opChangeLagUs: { p50: number; p99: number; max: number; count: number };
  expiryLagUs: { p50: number; max: number; count: number };
  mismatches: Record<string, number>;
  neverJoined: number;
  verdicts: string[];
  /** A few mismatches in full, to see what went wrong. */
  examples: string[];
  checkerPass: boolean;
  tracked: boolean;
}

async function measure(options: Options, n: number): Promise<SizeResult> {
  const k = options.swarms ?? Math.max(1, Math.ceil(n / AGENTS_PER_SWARM));
  // The simulator's proxies also listen on one more loopback address per swarm: one
  // address pair has only ~28k ephemeral ports, fewer than the agents of a big run.
  const router = await startRouter(options.router, options.proxies, options.router === 'sim' && options.proxies > 0 ? k : 1, options.proxyRuntime);
  const site = writeSite(Number(new URL(router.httpUrl).port), [{ id: 'registry', agentClass: 'RegistryAgent' }]);
  const work = mkdtempSync(join(tmpdir(), 'net-bench-'));
  let registry: Registry | null = null;
  const swarms: SwarmProcess[] = [];
  try {
    registry = await startRegistry(options.kind, router, site.dir, n, options.registrySerializer);
    for (let i = 0; i < k; i++) {
      const share = Math.floor(n / k) + (i < n % k ? 1 : 0);
      swarms.push(startSwarm(i, share, options, router, work));
    }
    // A router that cannot take the agents' joins at all must not hang the bench.
    let joinTimer: ReturnType<typeof setTimeout> | undefined;
    const joinLimit = new Promise<boolean[]>((resolve) => (joinTimer = setTimeout(() => resolve([false]), JOIN_LIMIT_MS)));
    const joined = await Promise.race([Promise.all(swarms.map((s) => s.joined)), joinLimit]);
    clearTimeout(joinTimer);
    if (!joined.every(Boolean)) throw new Error(`a swarm did not start within ${JOIN_LIMIT_MS / 1000} s:\n${swarms.map((s) => s.text()).join('\n')}`);
    // Every figure over the same window: from the last swarm's start to just before they stop.
    const parts = router.parts();
    const regPids = tree(registry.child.pid!);
    const swarmPids = swarms.flatMap((s) => tree(s.child.pid!));
    const all = [...parts.router, ...parts.proxy, ...regPids, ...swarmPids];
    const t0 = performance.now();
    const before = ticksOf(all);
    const hb0 = await heartbeatsCounted(registry.httpPort, registry);
    // The window ends before the first swarm to have joined stops (each runs --duration from its own join).
    const firstJoined = Math.min(...swarms.map((s) => s.joinedAt));
    await sleep(Math.max(1000, firstJoined + options.seconds * 1000 - 2500 - performance.now()));
    const elapsed = (performance.now() - t0) / 1000;
    const after = ticksOf(all);
    const hb1 = await heartbeatsCounted(registry.httpPort, registry);
    const rss = { router: rssOf(parts.router), proxy: rssOf(parts.proxy), registry: rssOf(regPids), swarms: rssOf(swarmPids) };
    const hbPerS = hb0 !== null && hb1 !== null ? (hb1 - hb0) / elapsed : null;
    const usage = (pids: number[], rssBytes: number): Usage => {
      const cpu = cpuShare(pids, before, after, elapsed);
      return { cpu, rssMiB: rssBytes / 2 ** 20, usPerHeartbeat: hbPerS ? (cpu * 1e6) / hbPerS : null };
    };
    const codes = await Promise.all(swarms.map((s) => s.exited));
    const records: RunRecord[] = swarms.map((s, i) => {
      if (!existsSync(s.recordFile)) throw new Error(`swarm ${i} wrote no record (exit ${codes[i]}):\n${s.text()}`);
      return JSON.parse(readFileSync(s.recordFile, 'utf8')) as RunRecord;
    });
    const mismatches: Record<string, number> = {};
    for (const r of records) for (const m of r.mismatches) mismatches[m.kind] = (mismatches[m.kind] ?? 0) + 1;
    // The worst swarm's lag stands for the run (each swarm times its own agents' op changes).
    const worst = records.reduce((a, b) => (b.registryLag!.opChange.p99 > a.registryLag!.opChange.p99 ? b : a));
    const lag = worst.registryLag!;
    const checkerPass = records.every((r) => r.checker?.pass === true);
    const opChanges = records.reduce((sum, r) => sum + r.registryLag!.opChange.count, 0);
    const verdictsPass = records.every((r) => r.verdict?.pass !== false);
    const sent = records.reduce((sum, r) => sum + r.heartbeatRate.avg, 0);
    const delivered = records.every((r) => r.delivery.percent !== null)
      ? records.reduce((sum, r) => sum + (r.delivery.percent ?? 0), 0) / records.length
      : null;
    return {
      router: router.name,
      registry: options.kind === 'ts' ? 'TypeScript ocs-registry (Bun)' : 'Python RegistryAgent (ocs 0.12.1)',
      serializer: options.serializer,
      registrySerializer: options.kind === 'ts' ? options.registrySerializer || 'json.batched,json (default)' : 'autobahn-python default',
      agents: n,
      swarms: k,
      seconds: elapsed,
      sentPerS: sent,
      deliveredPercent: delivered,
      registryHeartbeatsPerS: hbPerS,
      usage: {
        registry: usage(regPids, rss.registry),
        router: usage(parts.router, rss.router),
        proxies: parts.proxy.length > 0 ? usage(parts.proxy, rss.proxy) : null,
        swarms: usage(swarmPids, rss.swarms),
      },
      opChangeLagUs: { p50: lag.opChange.p50, p99: lag.opChange.p99, max: lag.opChange.max, count: opChanges },
      expiryLagUs: { p50: lag.expiryAfterTimeout.p50, max: lag.expiryAfterTimeout.max, count: lag.expiryAfterTimeout.count },
      mismatches,
      neverJoined: records.reduce((sum, r) => sum + (r.swarm.waitingToJoin ?? 0), 0),
      verdicts: records.flatMap((r) => r.verdict?.reasons ?? []),
      examples: records.flatMap((r) => r.mismatches.slice(0, 3).map((m) => `${m.kind} ${m.address}: ${m.detail}`)),
      checkerPass,
      tracked: checkerPass && verdictsPass && opChanges > 0 && lag.opChange.p99 < LAG_LIMIT_US,
    };
  } finally {
    for (const s of swarms) await stopProcess(s.child);
    if (registry) await stopProcess(registry.child);
    await router.close();
    site.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (us: number) => (Number.isNaN(us) ? 'n/a' : `${(us / 1000).toFixed(0)} ms`);

const us = (u: Usage | null) => (u === null || u.usPerHeartbeat === null ? 'n/a' : `${u.usPerHeartbeat.toFixed(1)} µs`);
const part = (name: string, u: Usage | null) => (u === null ? '' : `${name} ${pct(u.cpu)} (${us(u)}/hb, ${u.rssMiB.toFixed(0)} MiB)`);

function line(r: SizeResult): string {
  const kinds = Object.entries(r.mismatches).map(([k, v]) => `${v} ${k}`).join(', ') || '0 mismatches';
  const u = r.usage;
  return `${r.agents.toLocaleString('en-US').padStart(7)} agents (${r.swarms} swarm${r.swarms > 1 ? 's' : ''}) | sent ${r.sentPerS.toFixed(0)}/s` +
    ` | to registry ${r.registryHeartbeatsPerS === null ? 'n/a' : `${r.registryHeartbeatsPerS.toFixed(0)}/s`}` +
    (r.deliveredPercent === null ? '' : ` (observer ${r.deliveredPercent.toFixed(2)}%)`) +
    ` | CPU ${[part('registry', u.registry), part('router', u.router), part('proxies', u.proxies), part('swarms', u.swarms)].filter(Boolean).join(', ')}` +
    ` | op-change lag p50 ${ms(r.opChangeLagUs.p50)} p99 ${ms(r.opChangeLagUs.p99)}` +
    ` max ${ms(r.opChangeLagUs.max)} (${r.opChangeLagUs.count}) | expiry after timeout max ${ms(r.expiryLagUs.max)}` +
    ` | ${kinds}${r.neverJoined > 0 ? `, ${r.neverJoined} never joined` : ''} | ${r.tracked ? 'TRACKED' : 'NOT TRACKED'}`;
}

async function main(): Promise<void> {
  const kind = arg('registry', 'ts');
  if (kind !== 'ts' && kind !== 'python') throw new Error('--registry ts|python');
  if (kind === 'python' && !existsSync(PYTHON)) throw new Error('needs .venv with ocs (see .ci/run)');
  const router = arg('router', 'crossbar');
  if (router !== 'crossbar' && router !== 'sim') throw new Error('--router crossbar|sim');
  const options: Options = {
    kind,
    router,
    proxies: Number(arg('proxies', '0')),
    proxyRuntime: arg('proxy-runtime', ''),
    seconds: Number(arg('seconds', '60')),
    seed: Number(arg('seed', '1')),
    serializer: arg('serializer', 'json'),
    registrySerializer: arg('registry-serializer', ''),
    swarms: process.argv.includes('--swarms') ? Number(arg('swarms', '1')) : null,
    poll: Number(arg('poll', '1')),
    pollOthers: Number(arg('poll-others', arg('poll', '1'))),
    observer: process.argv.includes('--observer'),
  };
  const sizes = arg('sizes', kind === 'ts' ? '1000,2000,3000,4000' : '250,500,750,1000').split(',').map(Number);
  const results: SizeResult[] = [];
  console.log(
    `network bench: ${router}${
      options.proxies ? ` + ${options.proxies} proxies${options.proxyRuntime ? ` on ${options.proxyRuntime}` : ''}` : ''
    }, ${kind} registry (${options.registrySerializer || 'its default serializers'}),` +
      ` agents offer ${options.serializer}, ${options.seconds} s per size, seed ${options.seed},` +
      ` status polled every ${options.poll} s (other swarms every ${options.pollOthers} s), driver ${runtimeName()}`,
  );
  for (const n of sizes) {
    const r = await measure(options, n);
    results.push(r);
    console.log(line(r));
    if (r.verdicts.length > 0) console.log(`  verdicts: ${[...new Set(r.verdicts)].join('; ')}`);
    for (const example of r.examples) console.log(`  e.g. ${example}`);
    if (!r.tracked && !process.argv.includes('--all')) break;
  }
  const tracked = results.filter((r) => r.tracked).map((r) => r.agents);
  console.log(`largest agent count tracked for ${options.seconds} s: ${tracked.length ? Math.max(...tracked).toLocaleString('en-US') : 'none of those tried'}`);
  const json = arg('json', '');
  if (json) writeFileSync(json, `${JSON.stringify({ bench: 'network', ...options, date: new Date().toISOString(), results }, null, 2)}\n`);
  process.exit(0);
}

await main();
