// Run one benchmark program on Bun, Node and Deno, several processes each,
// and print the median of every figure per runtime (these 2-core machines
// vary by up to ±25% within one process; the median of 5 is stable to ~5%).
// Usage: npm run bench -- bench/core.bench.ts [--runs 5] [--runtimes bun,node,deno] [-- <program args>]

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const own = split >= 0 ? argv.slice(0, split) : argv;
const programArgs = split >= 0 ? argv.slice(split + 1) : [];
const program = own.find((a) => a.endsWith('.ts'));
if (!program) {
  console.error('usage: bench-all.ts <bench/program.ts> [--runs N] [--runtimes bun,node,deno] [-- program args]');
  process.exit(2);
}
const opt = (name: string, fallback: string) => {
  const i = own.indexOf(`--${name}`);
  return i >= 0 ? (own[i + 1] ?? fallback) : fallback;
};
const runs = Number(opt('runs', '5'));
const runtimes = opt('runtimes', 'bun,node,deno').split(',');
const commands: Record<string, string[]> = {
  bun: ['bun', program],
  node: ['node', '--expose-gc', program],
  deno: ['deno', 'run', '--allow-all', '--v8-flags=--expose-gc', program],
};

type Json = Record<string, unknown>;
const OUT = 'bench/out';
mkdirSync(OUT, { recursive: true });
const summary: Json = { program, runs, date: new Date().toISOString(), runtimes: {} };

function medianOf(records: Json[]): Json {
  // Walk the first record; every number becomes the median over all records.
  const walk = (values: unknown[]): unknown => {
    const first = values[0];
    if (typeof first === 'number') {
      const xs = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    }
    if (Array.isArray(first)) return first.map((_, i) => walk(values.map((v) => (v as unknown[])[i])));
    if (first && typeof first === 'object') {
      return Object.fromEntries(Object.keys(first).map((k) => [k, walk(values.map((v) => (v as Json)[k]))]));
    }
    return first;
  };
  return walk(records) as Json;
}

for (const runtime of runtimes) {
  const [command, ...args] = commands[runtime] ?? [];
  if (!command) continue;
  const records: Json[] = [];
  for (let r = 0; r < runs; r++) {
    const file = join(OUT, `${basename(program, '.ts')}-${runtime}-${r}.json`);
    const result = spawnSync(command, [...args, ...programArgs, '--json', file], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      console.error(`${runtime}: run ${r + 1} failed (exit ${result.status})`);
      continue;
    }
    records.push(JSON.parse(readFileSync(file, 'utf8')) as Json);
  }
  if (records.length) (summary.runtimes as Json)[runtime] = medianOf(records);
}

const out = join(OUT, `${basename(program, '.ts')}-summary.json`);
writeFileSync(out, JSON.stringify(summary, null, 2));
console.log(`\nmedians of ${runs} processes per runtime written to ${out}`);
console.log(JSON.stringify(summary.runtimes, null, 1));
