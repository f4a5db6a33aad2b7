// The registry in production shape, under load (issue: real crossbar). A
// program, not a test; needs .venv-crossbar (and .venv for the Python
// registry), as .ci/run installs them:
//   bun bench/crossbar.bench.ts [--registry ts|python] [--sizes 1000,2000,3000]
//                               [--seconds 60] [--seed 1] [--all] [--observer] [--json out.json]
// Per size, from scratch: a real crossbar with OCS's test config; the
// registry (TypeScript `ocs-registry` on Bun, or Python's RegistryAgent from
// the `ocs` package) as its own process; then `ocs-sim swarm` over WebSocket
// with the default scenario (op changes, crashes, heartbeat-off windows) and
// its checker watching the registry like any OCS client. The registry is the
// only subscriber to heartbeats, as in production (--observer adds the
// swarm's own wildcard subscription, which doubles crossbar's deliveries). Prints heartbeats/s
// sent and delivered, the CPU share of the registry and of crossbar's router
// worker (from /proc), the registry's lag (op change in a heartbeat -> on
// agent_operations; expiry seen after the timeout) and the checker's verdict.
// A size is "tracked" when the checker passes (no false, missed or late
// expiry, every op change seen) and the op-change lag p99 is under 1 s.
// Sizes run in order and stop at the first one not tracked (--all: run all).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { RunRecord } from '../sim/swarm/report.ts';
import { type Crossbar, freePort, startCrossbar } from '../test/support/crossbar.ts';
import { writeSite } from '../test/interop/python.ts';
import { runtimeName } from './support/runtime.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BUN = join(ROOT, 'node_modules/.bin/bun');
const PYTHON = join(ROOT, '.venv/bin/python');
const TICKS_PER_S = 100; // Linux USER_HZ
const LAG_LIMIT_US = 1_000_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU ticks (user + system) of every process, and each one's parent. */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** Ticks of `pid` and of each of its descendants. */
function treeTicks(pid: number): Map<number, number> {
  const table = processTable();
  const out = new Map<number, number>();
  const visit = (p: number) => {
    const row = table.get(p);
    if (!row) return;
    out.set(p, row.ticks);
    for (const [child, r] of table) if (r.ppid === p) visit(child);
  };
  visit(pid);
  return out;
}

/** CPU share of one core between two snapshots: the whole tree, and its busiest process. */
function cpuShare(before: Map<number, number>, after: Map<number, number>, seconds: number) {
  let total = 0;
  let busiest = 0;
  for (const [pid, ticks] of after) {
    const used = ticks - (before.get(pid) ?? 0);
    total += used;
    busiest = Math.max(busiest, used);
  }
  return { total: total / TICKS_PER_S / seconds, busiest: busiest / TICKS_PER_S / seconds };
}

/** Call an OCS operation through crossbar's HTTP bridge; null when it is not there (yet). */
async function callOps(crossbar: Crossbar, args: unknown[]): Promise<unknown[] | null> {
  try {
    const res = await fetch(`${crossbar.httpUrl}/call`, {
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

async function heartbeatsCounted(httpPort: number | null): Promise<number | null> {
  if (httpPort === null) return null;
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const m = /^ocs_registry_heartbeats_received_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

interface Registry {
  child: ChildProcess;
  httpPort: number | null;
  output(): string;
}

async function startRegistry(kind: string, crossbar: Crossbar, siteDir: string, n: number): Promise<Registry> {
  const common = ['--site-file', join(siteDir, 'default.yaml'), '--site-host', 'localhost', '--instance-id', 'registry'];
  let command: string;
  let args: string[];
  let httpPort: number | null = null;
  if (kind === 'ts') {
    httpPort = await freePort();
    command = BUN;
    args = [join(ROOT, 'bin/ocs-registry.ts'), ...common, '--http-port', String(httpPort), '--max-agents', String(n * 2 + 1000)];
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
    const reply = (await callOps(crossbar, ['status', 'main', {}]))?.[0] as [number, string, { status?: string }] | undefined;
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

/** CPU ticks per process tree, and the registry's heartbeat count, when the measured window opens. */
interface WindowStart {
  t: number;
  cb: Map<number, number>;
  reg: Map<number, number>;
  sw: Map<number, number>;
  hb: number | null;
}

interface SizeResult {
  registry: string;
  agents: number;
  seconds: number;
  sentPerS: number;
  deliveredPercent: number | null;
  registryHeartbeatsPerS: number | null;
  registryCpu: number;
  crossbarWorkerCpu: number;
  crossbarCpu: number;
  swarmCpu: number;
  opChangeLagUs: { p50: number; p99: number; max: number; count: number };
  expiryLagUs: { p50: number; max: number; count: number };
  mismatches: Record<string, number>;
  checkerPass: boolean;
  tracked: boolean;
}

async function measure(kind: string, n: number, seconds: number, seed: number): Promise<SizeResult> {
  const crossbar = await startCrossbar();
  const site = writeSite(crossbar.port, [{ id: 'registry', agentClass: 'RegistryAgent' }]);
  const work = mkdtempSync(join(tmpdir(), 'cb-bench-'));
  const recordFile = join(work, 'swarm.json');
  let registry: Registry | null = null;
  let swarm: ChildProcess | null = null;
  try {
    registry = await startRegistry(kind, crossbar, site.dir, n);
    const child = spawn(BUN, [
      join(ROOT, 'bin/ocs-sim.ts'),
      'swarm',
      '--url',
      crossbar.wsUrl,
      '--registry',
      'observatory.registry',
      '--agents',
      String(n),
      '--duration',
      String(seconds),
      '--seed',
      String(seed),
      '--json',
      recordFile,
      '--quiet',
      ...(process.argv.includes('--observer') ? [] : ['--no-observer']),
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    swarm = child;
    let swarmText = '';
    child.stdout!.on('data', (d: Buffer) => (swarmText += d.toString()));
    const cbPid = crossbar.pid()!;
    const regPid = registry.child.pid!;
    let window: WindowStart | null = null;
    const joined = new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        swarmText += d.toString();
        if (window === null && /agents joined in/.test(swarmText)) {
          window = { t: performance.now(), cb: treeTicks(cbPid), reg: treeTicks(regPid), sw: treeTicks(child.pid!), hb: null };
          resolve();
        }
      });
    });
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    await Promise.race([joined, exited]);
    if (window === null) throw new Error(`the swarm did not start:\n${swarmText}`);
    const w = window as WindowStart;
    w.hb = await heartbeatsCounted(registry.httpPort);
    // Every figure over the same window: from the swarm's start to just before it stops.
    await sleep(seconds * 1000 - 500);
    const elapsed = (performance.now() - w.t) / 1000;
    const swEnd = treeTicks(child.pid!);
    const cb = cpuShare(w.cb, treeTicks(cbPid), elapsed);
    const reg = cpuShare(w.reg, treeTicks(regPid), elapsed);
    const hbEnd = await heartbeatsCounted(registry.httpPort);
    const sw = cpuShare(w.sw, swEnd, elapsed);
    const code = await exited;
    if (!existsSync(recordFile)) throw new Error(`the swarm wrote no record (exit ${code}):\n${swarmText}`);
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecord;
    const lag = record.registryLag!;
    const mismatches: Record<string, number> = {};
    for (const m of record.mismatches) mismatches[m.kind] = (mismatches[m.kind] ?? 0) + 1;
    const checkerPass = record.checker?.pass === true;
    return {
      registry: kind === 'ts' ? 'TypeScript ocs-registry (Bun)' : 'Python RegistryAgent (ocs 0.12.1)',
      agents: n,
      seconds: record.seconds,
      sentPerS: record.heartbeatRate.avg,
      deliveredPercent: record.delivery.percent,
      registryHeartbeatsPerS: hbEnd !== null && w.hb !== null ? (hbEnd - w.hb) / elapsed : null,
      registryCpu: reg.total,
      crossbarWorkerCpu: cb.busiest,
      crossbarCpu: cb.total,
      swarmCpu: sw.total,
      opChangeLagUs: { p50: lag.opChange.p50, p99: lag.opChange.p99, max: lag.opChange.max, count: lag.opChange.count },
      expiryLagUs: { p50: lag.expiryAfterTimeout.p50, max: lag.expiryAfterTimeout.max, count: lag.expiryAfterTimeout.count },
      mismatches,
      checkerPass,
      tracked: checkerPass && lag.opChange.count > 0 && lag.opChange.p99 < LAG_LIMIT_US,
    };
  } finally {
    if (swarm) await stopProcess(swarm);
    if (registry) await stopProcess(registry.child);
    await crossbar.close();
    site.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (us: number) => (Number.isNaN(us) ? 'n/a' : `${(us / 1000).toFixed(0)} ms`);

function line(r: SizeResult): string {
  const kinds = Object.entries(r.mismatches).map(([k, v]) => `${v} ${k}`).join(', ') || '0 mismatches';
  return `${r.agents.toLocaleString('en-US').padStart(7)} agents | sent ${r.sentPerS.toFixed(0)}/s` +
    ` | to registry ${r.registryHeartbeatsPerS === null ? 'n/a' : `${r.registryHeartbeatsPerS.toFixed(0)}/s`}` +
    (r.deliveredPercent === null ? '' : ` (observer ${r.deliveredPercent.toFixed(2)}%)`) +
    ` | CPU registry ${pct(r.registryCpu)}, crossbar worker ${pct(r.crossbarWorkerCpu)}` +
    ` (all ${pct(r.crossbarCpu)}), swarm ${pct(r.swarmCpu)} | op-change lag p50 ${ms(r.opChangeLagUs.p50)} p99 ${ms(r.opChangeLagUs.p99)}` +
    ` max ${ms(r.opChangeLagUs.max)} (${r.opChangeLagUs.count}) | expiry after timeout max ${ms(r.expiryLagUs.max)}` +
    ` | ${kinds} | ${r.tracked ? 'TRACKED' : 'NOT TRACKED'}`;
}

async function main(): Promise<void> {
  const kind = arg('registry', 'ts');
  if (kind !== 'ts' && kind !== 'python') throw new Error('--registry ts|python');
  if (kind === 'python' && !existsSync(PYTHON)) throw new Error('needs .venv with ocs (see .ci/run)');
  const sizes = arg('sizes', kind === 'ts' ? '1000,2000,3000,4000' : '250,500,750,1000').split(',').map(Number);
  const seconds = Number(arg('seconds', '60'));
  const seed = Number(arg('seed', '1'));
  const results: SizeResult[] = [];
  console.log(`crossbar bench: ${kind} registry, ${seconds} s per size, seed ${seed}, driver ${runtimeName()}`);
  for (const n of sizes) {
    const r = await measure(kind, n, seconds, seed);
    results.push(r);
    console.log(line(r));
    if (!r.tracked && !process.argv.includes('--all')) break;
  }
  const tracked = results.filter((r) => r.tracked).map((r) => r.agents);
  console.log(`largest agent count tracked for ${seconds} s: ${tracked.length ? Math.max(...tracked).toLocaleString('en-US') : 'none of those tried'}`);
  const json = arg('json', '');
  if (json) writeFileSync(json, `${JSON.stringify({ bench: 'crossbar', registry: kind, seconds, seed, date: new Date().toISOString(), results }, null, 2)}\n`);
  process.exit(0);
}

await main();
