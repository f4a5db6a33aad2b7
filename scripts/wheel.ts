// The pytest plugin's wheel with the simulator inside:
//   npm run wheel [-- --outdir dist/wheel]
// Compiles ocs-sim (bun build --compile) into python/src/pytest_ocs_sim/bin,
// then builds python/ with pip (hatchling, from PyPI in pip's isolated build
// environment). The result is a manylinux x86_64 platform wheel (the
// executable needs glibc >= 2.17); python/hatch_build.py sets the tag.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist/wheel' }, python: { type: 'string', default: 'python3' } } });
const outdir = values.outdir as string;
const bin = 'python/src/pytest_ocs_sim/bin';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`wheel: ${command} ${args.join(' ')} failed`);
    process.exit(1);
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('wheel: the compiled simulator targets linux x86_64; build the wheel there.');
  process.exit(1);
}
mkdirSync(bin, { recursive: true });
run(process.execPath, ['scripts/compile.ts', '--program', 'ocs-sim', '--outdir', bin]);
chmodSync(join(bin, 'ocs-sim'), 0o755);
mkdirSync(outdir, { recursive: true });
run(values.python as string, ['-m', 'pip', 'wheel', '--quiet', '--disable-pip-version-check', '--no-deps', '--wheel-dir', outdir, './python']);
for (const name of readdirSync(outdir).filter((n) => n.startsWith('pytest_ocs_sim-') && n.endsWith('.whl'))) {
  console.log(`wheel: ${join(outdir, name)} (${(statSync(join(outdir, name)).size / 2 ** 20).toFixed(1)} MiB)`);
}
