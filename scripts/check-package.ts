// `npm run check:package`: the packages as users get them, not the work tree.
//
// 1. npm pack (prepack builds dist/js with tsc), then `npm install` of the
//    tarball into a clean temporary directory;
// 2. there, on Node 22 (a pinned node@22 installed into .cache/node22) and on
//    Bun: `ocs-registry --help` and `--version`, `ocs-registry --sim` serving
//    the page and stopping on SIGTERM with exit 0, `ocs-sim router` serving
//    and stopping, and the entry points' doc-comment examples importing
//    'ocs-registry', 'ocs-registry/sim' and 'ocs-registry/testing';
// 3. `deno publish --dry-run` (JSR's own check of what it would publish).
//
// Usage: npm run check:package [-- --keep] (--keep leaves the temporary directory)

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { ENTRY_POINTS, examplesOf } from './doc-examples.ts';
import { check, failures, fetchText, run, serving, step } from './smoke.ts';

const ROOT = resolve(import.meta.dirname ?? '.', '..');
const NODE22 = '22.23.3';
const keep = process.argv.includes('--keep');
// --- 1. pack and install ---------------------------------------------------
step('npm pack (prepack builds dist/js)');
const work = mkdtempSync(join(tmpdir(), 'ocs-registry-package-'));
const packed = run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT });
const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
check('npm pack makes a tarball', packed.status === 0 && tarball !== undefined, packed.output);
if (!tarball) process.exit(1);
const listing = run('tar', ['-tzf', join(work, tarball)]).output.split('\n');
for (
  const file of ['package/dist/js/src/mod.js', 'package/dist/js/src/mod.d.ts', 'package/dist/js/bin/ocs-registry.js', 'package/LICENSE', 'package/README.md']
) {
  check(`the tarball holds ${file.slice('package/'.length)}`, listing.includes(file));
}
check(
  'the tarball holds no TypeScript sources or tests',
  !listing.some((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')) && !listing.some((f) => f.startsWith('package/test/')),
);

step(`install ${tarball} into a clean directory`);
const app = join(work, 'app');
mkdirSync(app);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'check-app', private: true, type: 'module' }));
const installed = run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', join(work, tarball)], { cwd: app });
check('npm install of the tarball', installed.status === 0, installed.output);

step(`Node ${NODE22} (pinned, in .cache/node22)`);
const node22Dir = join(ROOT, '.cache', 'node22');
const node22Bin = join(node22Dir, 'node_modules', '.bin');
if (!existsSync(join(node22Bin, 'node')) || !run(join(node22Bin, 'node'), ['--version']).output.includes(NODE22)) {
  mkdirSync(node22Dir, { recursive: true });
  writeFileSync(join(node22Dir, 'package.json'), JSON.stringify({ private: true }));
  const got = run('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `node@${NODE22}`], { cwd: node22Dir });
  check(`install node@${NODE22}`, got.status === 0, got.output);
}

// The examples, as a user would write them: importing the package by name.
for (const { source } of ENTRY_POINTS) {
  for (const [i, example] of examplesOf(readFileSync(join(ROOT, source), 'utf8')).entries()) {
    writeFileSync(join(app, `example-${source.replace(/\W/g, '_')}-${i}.mjs`), example);
  }
}
// The examples are TypeScript-free on purpose (no type annotations), so they run as .mjs on Node.
const examples = readdirSync(app).filter((f) => f.startsWith('example-'));

const runtimes: Array<{ name: string; bin: string; env: NodeJS.ProcessEnv; exec: (program: string) => [string, string[]] }> = [
  {
    name: `node ${NODE22}`,
    bin: join(node22Bin, 'node'),
    env: { ...process.env, PATH: `${node22Bin}:${process.env.PATH}` },
    exec: (program) => [join(node22Bin, 'node'), [join(app, 'node_modules', '.bin', program)]],
  },
  {
    name: 'bun',
    bin: join(ROOT, 'node_modules', '.bin', 'bun'),
    env: process.env,
    exec: (program) => [join(ROOT, 'node_modules', '.bin', 'bun'), [join(app, 'node_modules', '.bin', program)]],
  },
];

for (const rt of runtimes) {
  step(`the installed package on ${rt.name}`);
  const version = run(rt.bin, ['--version'], { env: rt.env }).output.trim();
  console.log(`runtime: ${rt.bin} ${version}`);
  const [cmd, pre] = rt.exec('ocs-registry');
  const help = run(cmd, [...pre, '--help'], { cwd: app, env: rt.env });
  check(`${rt.name}: ocs-registry --help`, help.status === 0 && help.output.includes('--site-hub'), help.output);
  const ver = run(cmd, [...pre, '--version'], { cwd: app, env: rt.env });
  const expected = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  check(`${rt.name}: ocs-registry --version`, ver.status === 0 && ver.output.trim() === `ocs-registry ${expected}`, ver.output);
  await serving(
    `${rt.name}: ocs-registry --sim serves the page, SIGTERM exits 0`,
    cmd,
    [...pre, '--sim', '--site', 'none', '--sim-agents', '5', '--http-port', '0'],
    app,
    rt.env,
    /Operation monitor: http:\/\/\S+\//,
    async (line) => /<html/i.test(await fetchText(/(http:\/\/\S+?)\/ /.exec(line)?.[1] + '/')),
  );
  if (rt.name.startsWith('node')) {
    // As the README says it: npx, with the pinned Node first on PATH (the bins say `#!/usr/bin/env node`).
    for (const program of ['ocs-registry', 'ocs-sim']) {
      const viaNpx = run('npx', ['--no-install', program, '--help'], { cwd: app, env: rt.env });
      check(`${rt.name}: npx ${program} --help`, viaNpx.status === 0 && /Usage: /.test(viaNpx.output), viaNpx.output);
    }
  }
  const [simCmd, simPre] = rt.exec('ocs-sim');
  await serving(
    `${rt.name}: ocs-sim router serves, SIGTERM exits 0`,
    simCmd,
    [...simPre, 'router', '--port', '0'],
    app,
    rt.env,
    /listening on http:\/\/\S+/,
    async (line) => (await fetchText(`${/(http:\/\/\S+)/.exec(line)?.[1]}/info`)).length > 0,
  );
  for (const example of examples) {
    const ran = run(rt.bin, [join(app, example)], { cwd: app, env: rt.env });
    check(`${rt.name}: ${example} (imports the package by name)`, ran.status === 0, ran.output);
  }
}

// --- 3. JSR ------------------------------------------------------------------
step('deno publish --dry-run (JSR)');
const jsr = run(join(ROOT, 'node_modules', '.bin', 'deno'), ['publish', '--dry-run', '--allow-dirty'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
check('deno publish --dry-run', jsr.status === 0 && /Dry run complete/.test(jsr.output), jsr.output);

if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`\nkept ${work}`);
console.log(`\n${failures.length === 0 ? 'package check: all passed' : `package check: ${failures.length} FAILED:\n  ${failures.join('\n  ')}`}`);
process.exit(failures.length === 0 ? 0 : 1);
