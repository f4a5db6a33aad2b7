// The state file (issue 13): what saving the table costs, how long heartbeat
// ingest is held up while it saves, and how long a start with the file takes.
//
//   npx bun bench/state.bench.ts     (also: npx node / npx deno run -A)
//   options: --agents 10000,100000  --rounds 5
//
// For each size: a registry of N agents (4 ops each, as FakeDataAgent), each
// with its "joined" transition in the history (which keeps 10,000 agents at
// most, as the Registry Agent's does), so the file is format 2 as written in
// service; then
// `rounds` saves through the StateKeeper and the runtime's atomic write into
// a temporary directory, while a 1 ms timer measures how late the event loop
// runs (the longest stall is what heartbeat ingest would wait); then a fresh
// registry restored from the file as the program does it (read, parse, check,
// restore). Prints a line per size and writes bench/out/state-<runtime>.json.

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { readSavedState, Registry, TransitionHistory } from '../src/core/index.ts';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import { StateKeeper } from '../src/registry/state-keeper.ts';
import { readStateFile, writeFileAtomic } from '../src/runtime/state-file.ts';
import { systemClock } from '../src/runtime/system-clock.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const sizes = option('agents', '10000,100000').split(',').map(Number);
const rounds = Number(option('rounds', '5'));

const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
const runtime = g.Bun ? `bun ${g.Bun.version}` : g.Deno ? `deno ${g.Deno.version.deno}` : `node ${process.versions.node}`;

function fill(registry: Registry, n: number, now: number, history?: TransitionHistory): void {
  for (let i = 0; i < n; i++) {
    const address = `observatory.agent${i}`;
    const feed = { agent_address: address, agent_class: 'FakeDataAgent', session_id: `1700000000.${i}` }; // the same process each round: heartbeats, not restarts
    const change = registry.ingest(`${address}.feeds.heartbeat`, [[{ acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 }, feed]], now);
    if (change?.kind === 'changed' && change.joined) history?.record(address, { id: `e-${i + 1}`, type: 'joined', at: now, op_codes: change.agent.op_codes });
  }
}

/** Longest gap of a 1 ms timer while `work` runs: how long the event loop was held. */
async function worstStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
  }, 1);
  await work();
  clearInterval(timer);
  return worst;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const results = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-state-bench-'));
  const path = join(dir, 'state.json');
  const now = Date.now() / 1000;
  const registry = new Registry({ addressRoot: 'observatory', maxAgents: Math.max(100_000, n) });
  const history = new TransitionHistory();
  fill(registry, n, now, history);
  const keeper = new StateKeeper({ registry, history, clock: systemClock, write: (pieces) => writeFileAtomic(path, pieces) });
  const baseline = await worstStall(() => new Promise((resolve) => setTimeout(resolve, 300)));
  const saves: number[] = [];
  const builds: number[] = [];
  const stalls: number[] = [];
  for (let r = 0; r < rounds; r++) {
    fill(registry, n, now + r + 1); // something changed, so the keeper saves
    stalls.push(await worstStall(() => keeper.saveNow()));
    saves.push(keeper.lastSaveMs);
    builds.push(keeper.lastBuildMs);
  }
  const bytes = statSync(path).size;

  // A start with the file, as the program does it (src/cli/keep-state.ts).
  const starts: number[] = [];
  for (let r = 0; r < Math.min(rounds, 3); r++) {
    const began = performance.now();
    const agent = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock: systemClock, hostname: 'h', pid: 1, maxAgents: n });
    const read = readStateFile(path, 1e10);
    if (read.kind !== 'text') throw new Error(`state file not read: ${read.kind}`);
    const state = readSavedState(JSON.parse(read.text), { addressRoot: 'observatory', maxAgents: n, maxNameLength: 255 });
    if (typeof state === 'string') throw new Error(state);
    const restored = agent.restore(state);
    if (!restored.ok || agent.registry.size !== n || agent.history.agents !== Math.min(n, history.maxAgents)) throw new Error('restore failed');
    starts.push(performance.now() - began);
  }
  rmSync(dir, { recursive: true, force: true });
  const result = {
    agents: n,
    fileMB: +(bytes / 1e6).toFixed(1),
    saveMs: +median(saves).toFixed(1),
    buildMs: +median(builds).toFixed(1),
    worstStallMs: +median(stalls).toFixed(1),
    baselineStallMs: +baseline.toFixed(1),
    startMs: +median(starts).toFixed(0),
  };
  results.push(result);
  console.log(
    `${runtime}  ${n} agents: file ${result.fileMB} MB, save ${result.saveMs} ms (text ${result.buildMs} ms), ` +
      `event loop held at most ${result.worstStallMs} ms while saving (idle: ${result.baselineStallMs} ms), start with the file ${result.startMs} ms`,
  );
}
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./out/state-${runtime.split(' ')[0]}.json`, import.meta.url), JSON.stringify({ runtime, rounds, results }, null, 2));
