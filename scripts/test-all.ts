// `npm test`: type-check, then the same suite on Node, Bun and Deno, then one
// closing line summed over the three from their JUnit reports.
// Usage: npm test [-- <test dirs or files>]   (default: test/)

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const JUNIT = '.junit';
const RUNNER_TIMEOUT_MS = 15 * 60_000;
const targets = process.argv.slice(2);
// NO_COLOR alone: Deno colours its output when FORCE_COLOR is set at all.
const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

function run(title: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  // A runner that hangs (a leaked timer or server) is killed rather than stalling CI.
  const result = spawnSync(command, args, { stdio: 'inherit', env, timeout: RUNNER_TIMEOUT_MS });
  if (result.error) console.error(`${title}: could not start ${command}: ${result.error.message}`);
  return result.status === 0;
}

function decode(text: string): string {
  return text.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Count leaf test cases. Deno also lists a describe as a case whose steps are "describe > it". */
function tally(file: string): Tally | null {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const cases = [...xml.matchAll(/<testcase\b((?:"[^"]*"|[^>"])*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: decode(/\bname="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? ''),
    body: m[3] ?? '',
  }));
  const names = cases.map((c) => c.name);
  const t: Tally = { passed: 0, failed: 0, skipped: 0 };
  for (const c of cases) {
    if (names.some((n) => n.startsWith(`${c.name} > `))) continue;
    if (/<(failure|error)\b/.test(c.body)) t.failed++;
    else if (/<skipped\b/.test(c.body)) t.skipped++;
    else t.passed++;
  }
  return t;
}

rmSync(JUNIT, { recursive: true, force: true });
mkdirSync(JUNIT, { recursive: true });

const typecheck = run('type-check (tsc)', 'tsc', ['-p', '.']) &&
  run('type-check (deno check)', 'deno', ['check', '--quiet', 'src', 'sim', 'testing', 'test', 'bench']);
// The formatter and linter (settings in deno.json): `deno fmt` fixes what the check finds.
const style = run('format check (deno fmt)', 'deno', ['fmt', '--check', '--quiet']) && run('lint (deno lint)', 'deno', ['lint', '--quiet']);

const nodeTargets = targets.length ? targets.map((t) => (t.endsWith('.ts') ? t : `${t.replace(/\/$/, '')}/**/*.test.ts`)) : ['test/**/*.test.ts'];
const runners: [string, string, string[]][] = [
  ['node', 'node', [
    '--test',
    '--test-concurrency=1',
    '--test-timeout=120000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${join(JUNIT, 'node.xml')}`,
    ...nodeTargets,
  ]],
  ['bun', 'bun', [
    'test',
    '--timeout=120000',
    '--reporter=junit',
    `--reporter-outfile=${join(JUNIT, 'bun.xml')}`,
    ...(targets.length ? targets.map((t) => `./${t}`) : ['./test']),
  ]],
  // --allow-all: the tests start Python agents and Chromium (playwright reads /proc, which Deno grants only so).
  ['deno', 'deno', ['test', '--quiet', '--allow-all', `--junit-path=${join(JUNIT, 'deno.xml')}`, ...(targets.length ? targets : ['test/'])]],
];

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
let ok = typecheck && style;
for (const [name, command, args] of runners) {
  const exited = run(`tests on ${name}`, command, args);
  const t = tally(join(JUNIT, `${name}.xml`));
  if (!t || t.passed + t.failed === 0) {
    lines.push(`${name}: no test report (runner ${exited ? 'exited 0' : 'failed'})`);
    ok = false;
    continue;
  }
  if (!exited && t.failed === 0) t.failed++; // a crash outside any test still fails the run
  lines.push(`${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
  ok &&= exited && t.failed === 0;
}

console.log('\n=== summary');
console.log(`type-check: ${typecheck ? 'ok' : 'FAILED'}`);
console.log(`format and lint: ${style ? 'ok' : 'FAILED (run: npx deno fmt, then npx deno lint)'}`);
for (const line of lines) console.log(line);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
