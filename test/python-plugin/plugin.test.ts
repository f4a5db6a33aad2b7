// The pytest plugin (python/, package pytest-ocs-sim) as an OCS developer
// uses it: its own Python suite (real FakeDataAgents, our registry, an
// aggregator, OCSClient through the HTTP bridge, a router restart mid-test,
// a partition, a swarm) run by pytest in .venv-plugin, where .ci/run installs
// the wheel (`npm run wheel`) beside ocs from PyPI. The simulator it starts is
// the compiled executable inside the wheel, not the runtime running this file,
// so the suite runs under Node only: under Bun and Deno it would run the same
// executable again and triple CI time for nothing new.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { findCrossbar, freePort, skipWithoutCrossbar } from '../support/crossbar.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PYTHON = `${ROOT}.venv-plugin/bin/python`;
const isNode = !('Bun' in globalThis) && !('Deno' in globalThis);

function skipReason(): string | false {
  if (!isNode) return 'runs under Node only (the plugin starts the compiled simulator, whatever runs this file)';
  if (existsSync(PYTHON)) return false;
  if (process.env.REQUIRE_PLUGIN === '1') throw new Error('REQUIRE_PLUGIN=1 but no .venv-plugin (.ci/run builds the wheel and installs it there)');
  return 'needs .venv-plugin with the pytest-ocs-sim wheel (see .ci/run)';
}

/** pytest on python/tests with the plugin; resolves with its exit code and output. */
async function pytest(args: string[]): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'pytest', 'tests/', '-q', '-p', 'no:cacheprovider', '--ocs-sim-port', String(port), ...args], {
    cwd: `${ROOT}python`,
    env: { ...process.env, OCS_SIM: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

// The two runs side by side: each is mostly waiting (agents' heartbeats, a router restart, timeouts).
describe('pytest-ocs-sim: the Python suite through the plugin', { skip: skipReason(), concurrency: true }, () => {
  it('passes against the simulator from the wheel', { timeout: 300_000 }, async () => {
    const { code, output } = await pytest([]);
    assert.equal(code, 0, output);
    assert.match(output, /\b6 passed\b/, output);
  });

  it('passes the same suite against a real crossbar (--ocs-router crossbar), for comparison', { timeout: 400_000, skip: skipWithoutCrossbar() }, async () => {
    const { code, output } = await pytest(['--ocs-router', 'crossbar', '--ocs-crossbar', findCrossbar() as string]);
    assert.equal(code, 0, output);
    // The partition test needs the simulator's fault hooks.
    assert.match(output, /\b5 passed, 1 skipped\b/, output);
  });
});
