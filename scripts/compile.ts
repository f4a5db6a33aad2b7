// Single-file executables of the two programs, with `bun build --compile`:
//   npm run compile [-- --target bun-linux-x64|bun-linux-arm64] [--outdir dist/bin]
// Each is the runtime plus the bundled sources (~105 MiB); it needs neither
// Node nor Bun on the machine that runs it.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    outdir: { type: 'string', default: 'dist/bin' },
    program: { type: 'string', multiple: true },
  },
});
const programs = values.program ?? ['ocs-registry', 'ocs-sim'];
const outdir = values.outdir as string;
mkdirSync(outdir, { recursive: true });

for (const program of programs) {
  const suffix = values.target ? `-${values.target.replace(/^bun-/, '')}` : '';
  const outfile = join(outdir, `${program}${suffix}`);
  const args = ['build', '--compile', '--minify-syntax', `bin/${program}.ts`, '--outfile', outfile];
  if (values.target) args.push(`--target=${values.target}`);
  const result = spawnSync('bun', args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`compile: bun build failed for ${program}`);
    process.exit(1);
  }
  console.log(`compile: ${outfile}`);
}
