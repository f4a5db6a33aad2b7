// The registry's receive path alone (issue 15): `ocs-registry` as its own
// process behind `ocs-sim router` (Bun), fed by ONE feeder session in this
// process that publishes every agent's heartbeat once a second, batched (so
// the router's and the feeder's share of the machine stays small and the
// registry's CPU per heartbeat can be read with little noise). The registry
// receives exactly what it does behind the router from real agents: one EVENT
// per heartbeat, several per WebSocket frame with a batched serializer.
//
//   bun bench/registry-receive.bench.ts [--agents 10000] [--seconds 20] [--warmup 6] [--runs 3]
//       [--serializer json.batched,json] [--poll 1] [--port 0] [--runtime bun|node|deno]
//       [--root DIR]... [--profile DIR] [--json out.json]
//
// --serializer: what the registry offers (the feeder speaks the same family,
// batched). --poll S: main.status() called every S s, as the swarm's checker
// does (0: never). --root: a checkout of ocs-registry to run the registry from
// (repeat to compare: runs alternate between them, A B A B ..., and the
// medians are printed per root); default this checkout. --profile DIR: the
// registry writes a .cpuprofile there (Bun). CPU per heartbeat is user +
// system time of the registry process from /proc over the window divided by
// the heartbeats it counted in the window (its /metrics), as
// bench/crossbar.bench.ts reads it.

import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { freePort } from '../test/support/crossbar.ts';
import { writeSite } from '../test/interop/python.ts';
import { WampPeer } from '../src/wamp/peer.ts';
import { WebSocketTransport } from '../src/wamp/websocket-transport.ts';
import { parseSerializerList } from '../src/wamp/serializers/index.ts';
import { markImmutableArgs } from '../src/wamp/serializers/json.ts';
import { cpuShare, rssOf, ticksOf } from './support/proc.ts';
import { runtimeName } from './support/runtime.ts';

const HERE = new URL('../', import.meta.url).pathname;
const BIN = join(HERE, 'node_modules/.bin');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => a === `--${name}` && process.argv[i + 1] !== undefined && out.push(process.argv[i + 1] as string));
  return out;
}

const AGENTS = Number(arg('agents', '10000'));
const SECONDS = Number(arg('seconds', '20'));
const WARMUP = Number(arg('warmup', '6'));
const RUNS = Number(arg('runs', '3'));
const SERIALIZER = arg('serializer', 'json.batched,json');
const POLL = Number(arg('poll', '1'));
const RUNTIME = arg('runtime', 'bun');
const PROFILE = arg('profile', '');
const ROOTS = args('root').map((r) => resolve(r));
if (ROOTS.length === 0) ROOTS.push(HERE);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function runtimeCommand(root: string, script: string): { command: string; argv: string[] } {
  if (RUNTIME === 'node') return { command: join(BIN, 'node'), argv: [join(root, script)] };
  if (RUNTIME === 'deno') return { command: join(BIN, 'deno'), argv: ['run', '-A', join(root, script)] };
  const prof = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
  return { command: join(BIN, 'bun'), argv: [...prof, join(root, script)] };
}

function started(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  let text = '';
  return new Promise((ok, fail) => {
    const look = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) ok(text);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => fail(new Error(`${what} exited (${code}):\n${text}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(hard);
}

async function heartbeatsCounted(httpPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const m = /^ocs_registry_heartbeats_received_total (\d+)/m.exec(text);
  if (!m) throw new Error('no heartbeat counter in /metrics');
  return Number(m[1]);
}

/** A heartbeat as an OCS agent publishes it: [[op_codes, feed.encoded()]], frozen, its JSON kept. */
function heartbeatArgs(i: number): unknown[] {
  const address = `observatory.f${i}`;
  const feed = Object.freeze({
    agent_address: address,
    agg_params: Object.freeze({}),
    feed_name: 'heartbeat',
    address: `${address}.feeds.heartbeat`,
    record: false,
    session_id: `1765152000.${String(100000 + i).slice(-6)}`,
    agent_class: 'FakeDataAgent',
  });
  const codes = Object.freeze({ acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 });
  const a = Object.freeze([Object.freeze([codes, feed])]) as unknown as unknown[];
  markImmutableArgs(a);
  return a;
}

interface Run {
  root: string;
  registryUsPerHb: number;
  routerUsPerHb: number;
  feederUsPerHb: number;
  hbPerS: number;
  registryRssMiB: number;
  statusCalls: number;
  statusMs: number;
}

async function once(root: string): Promise<Run> {
  const port = Number(arg('port', '0')) || await freePort();
  const httpPort = await freePort();
  const router = spawn(join(BIN, 'bun'), [join(HERE, 'bin/ocs-sim.ts'), 'router', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const site = writeSite(port, [{ id: 'registry', agentClass: 'RegistryAgent' }]);
  let registry: ChildProcess | null = null;
  let feeder: WampPeer | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    await started(router, /listening|ws:\/\//i, 'ocs-sim router');
    const { command, argv } = runtimeCommand(root, 'bin/ocs-registry.ts');
    registry = spawn(command, [
      ...argv,
      '--site-file',
      join(site.dir, 'default.yaml'),
      '--site-host',
      'localhost',
      '--instance-id',
      'registry',
      '--site-hub',
      `ws://127.0.0.1:${port}/ws`,
      '--http-port',
      String(httpPort),
      '--max-agents',
      String(AGENTS * 2 + 1000),
      '--serializer',
      SERIALIZER,
      '--state-file',
      'none',
    ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OCS_CONFIG_DIR: site.dir } });
    await started(registry, /joined; tracking/, 'ocs-registry');
    // The feeder speaks the batched form of the registry's first serializer.
    const family = (SERIALIZER.split(',')[0] as string).replace(/\.batched$/, '');
    const transport = await WebSocketTransport.connect(`ws://127.0.0.1:${port}/ws`, { serializers: parseSerializerList(`${family}.batched`) });
    feeder = await WampPeer.join(transport, 'test_realm');
    const peer = feeder;
    const beats = Array.from({ length: AGENTS }, (_, i) => heartbeatArgs(i));
    const topics = Array.from({ length: AGENTS }, (_, i) => `observatory.f${i}.feeds.heartbeat`);
    // Every agent once per second, spread evenly: each 2 ms tick publishes the ones due by now.
    let cursor = 0;
    let sent = 0;
    const t0 = performance.now();
    timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) / 1000) * AGENTS);
      for (; sent < due; sent++) {
        peer.publish(topics[cursor] as string, beats[cursor]);
        if (++cursor === AGENTS) cursor = 0;
      }
    }, 2);
    let statusCalls = 0;
    let statusMs = 0;
    const poll = async () => {
      const t = performance.now();
      await peer.call('observatory.registry.ops', ['status', 'main', {}]).catch(() => {});
      statusMs += performance.now() - t;
      statusCalls++;
    };
    let nextPoll = performance.now();
    const pollLoop = async (until: number) => {
      while (performance.now() < until) {
        if (POLL > 0 && performance.now() >= nextPoll) {
          nextPoll += POLL * 1000;
          await poll();
        }
        await sleep(50);
      }
    };
    await pollLoop(performance.now() + (WARMUP + 1) * 1000);
    statusCalls = 0;
    statusMs = 0;
    const pids = { registry: [registry.pid!], router: [router.pid!], feeder: [process.pid] };
    const all = [...pids.registry, ...pids.router, ...pids.feeder];
    const hb0 = await heartbeatsCounted(httpPort);
    const sent0 = sent;
    const before = ticksOf(all);
    const w0 = performance.now();
    await pollLoop(w0 + SECONDS * 1000);
    const after = ticksOf(all);
    const elapsed = (performance.now() - w0) / 1000;
    const hb1 = await heartbeatsCounted(httpPort);
    // A registry that counts none (a stripped-down build, to split the cost) is charged per heartbeat sent.
    const hbPerS = (hb1 > hb0 ? hb1 - hb0 : sent - sent0) / elapsed;
    const us = (p: number[]) => (cpuShare(p, before, after, elapsed) * 1e6) / hbPerS;
    return {
      root,
      registryUsPerHb: us(pids.registry),
      routerUsPerHb: us(pids.router),
      feederUsPerHb: us(pids.feeder),
      hbPerS,
      registryRssMiB: rssOf(pids.registry) / 2 ** 20,
      statusCalls,
      statusMs: statusCalls ? statusMs / statusCalls : 0,
    };
  } finally {
    clearInterval(timer);
    await feeder?.leave().catch(() => {});
    if (registry) await stop(registry);
    await stop(router);
    site.cleanup();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  console.log(
    `registry receive bench: ${AGENTS} agents at 1 Hz, registry on ${RUNTIME} offering ${SERIALIZER}, poll ${POLL || 'off'}, ` +
      `${SECONDS} s windows, ${RUNS} runs per root, driver ${runtimeName()}`,
  );
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const root of ROOTS) {
      const run = await once(root);
      runs.push(run);
      console.log(
        `${root}: registry ${run.registryUsPerHb.toFixed(2)} µs/hb (${run.registryRssMiB.toFixed(0)} MiB), router ${run.routerUsPerHb.toFixed(2)}, ` +
          `feeder ${run.feederUsPerHb.toFixed(2)} | ${run.hbPerS.toFixed(0)} hb/s | status ${run.statusCalls} calls, ${run.statusMs.toFixed(0)} ms each`,
      );
    }
  }
  for (const root of ROOTS) {
    const mine = runs.filter((r) => r.root === root);
    console.log(
      `median ${root}: registry ${median(mine.map((r) => r.registryUsPerHb)).toFixed(2)} µs/hb, RSS ${
        median(mine.map((r) => r.registryRssMiB)).toFixed(0)
      } MiB (${mine.map((r) => r.registryUsPerHb.toFixed(2)).join(', ')})`,
    );
  }
  const out = arg('json', '');
  if (out) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      out,
      `${JSON.stringify({ bench: 'registry-receive', agents: AGENTS, serializer: SERIALIZER, poll: POLL, runtime: RUNTIME, runs }, null, 2)}\n`,
    );
  }
  process.exit(0);
}

await main();
