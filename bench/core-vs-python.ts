// The Python RegistryAgent's heartbeat handler on the same synthetic stream
// as bench/core.bench.ts, and the ratio against the TypeScript core's
// medians (run `npm run bench -- bench/core.bench.ts` first).
//   node bench/core-vs-python.ts [--python .venv/bin/python]
// Needs a Python with the `ocs` package (pip install ocs).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

interface PyResult {
  agents: number;
  ingestPerSec: number;
  scanAndEncodeMs: number;
}
interface TsResult {
  agents: number;
  ingestPerSec: number;
  expiryMsPerRegistrySecond: number;
  tableJsonMs: number;
}

const flag = process.argv.indexOf('--python');
const python = flag >= 0 ? process.argv[flag + 1]! : '.venv/bin/python';
const summaryFile = 'bench/out/core.bench-summary.json';
if (!existsSync(python) || !existsSync(summaryFile)) {
  console.error(`needs ${python} (with the ocs package) and ${summaryFile} (npm run bench -- bench/core.bench.ts)`);
  process.exit(2);
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { runtimes: Record<string, { results: TsResult[] }> };
const sizes = summary.runtimes.bun?.results.map((r) => r.agents) ?? [1000, 10000, 100000];
const run = spawnSync(python, ['bench/python/registry_handler.py', sizes.join(',')], { encoding: 'utf8' });
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const py = JSON.parse(run.stdout) as { python: string; results: PyResult[] };
const rows: Record<string, unknown>[] = [];
for (const p of py.results) {
  console.log(
    `python ${py.python} ${String(p.agents).padStart(6)} agents: ingest ${(p.ingestPerSec / 1e6).toFixed(2)}M heartbeats/s, ` +
      `scan+encode ${p.scanAndEncodeMs.toFixed(1)} ms every second`,
  );
  for (const [runtime, { results }] of Object.entries(summary.runtimes)) {
    const t = results.find((r) => r.agents === p.agents);
    if (!t) continue;
    const row = { runtime, agents: p.agents, ingestRatio: t.ingestPerSec / p.ingestPerSec, expiryRatio: p.scanAndEncodeMs / t.expiryMsPerRegistrySecond };
    rows.push(row);
    console.log(
      `  ${runtime}: ingest ${row.ingestRatio.toFixed(1)}x Python; expiry per second ${row.expiryRatio.toFixed(0)}x cheaper ` +
        `(${t.expiryMsPerRegistrySecond.toFixed(3)} ms vs ${p.scanAndEncodeMs.toFixed(1)} ms; the table is never re-encoded)`,
    );
  }
}
writeFileSync('bench/out/core-vs-python.json', JSON.stringify({ python: py, ratios: rows }, null, 2));
