// ocs-registry --state-file as a process (issue 13): the table is written on
// shutdown and read back on start; a corrupt file is one line, set aside, and
// an empty start.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../support/spawn-cli.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;

async function stop(program: ReturnType<typeof runProgram>): Promise<void> {
  program.child.kill('SIGINT');
  const exit = await program.exited;
  if ('Deno' in globalThis) assert.ok(exit === 0 || exit === 'SIGINT', String(exit));
  else assert.equal(exit, 0, program.output());
}

describe('ocs-registry --state-file', () => {
  it('writes the table on SIGINT and restores it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-state-cli-'));
    try {
      const path = join(dir, 'registry.state.json');
      const args = ['--sim', '--site', 'none', '--sim-agents', '3', '--state-file', path, '--http-port', '0'];
      const first = runProgram(BIN, args);
      try {
        await first.waitFor(/No state file at .*: starting with an empty table/);
        await first.waitFor(/Registry Agent .* joined/);
        await first.waitFor(/agents: \d+ alive/, 30_000); // the demo's agents come and go: any state will do
      } finally {
        await stop(first);
      }
      const saved = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(saved.format, 'ocs-registry-state');
      assert.equal(saved.agents.length, 3);
      assert.equal(saved.version, 2);
      // Each agent's history (recorded by the HTTP layer) is saved with it: at least its join.
      const [address, , , , , , , , , , , , , history] = saved.agents[0];
      assert.equal(history[0][1], 'joined', JSON.stringify(saved.agents[0]));

      const second = runProgram(BIN, args);
      try {
        const line = await second.waitFor(/Restored \d+ agents from/);
        assert.match(line, /Restored 3 agents from .* expired \(counting the downtime\)/);
        await second.waitFor(/Registry Agent .* joined/);
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await second.waitFor(/Operation monitor: http:/))![0];
        const detail = await (await fetch(`${url}/api/agents/${address}`)).json();
        assert.deepEqual(detail.history.slice(0, history.length), history.map(([id, type, at, op_codes]: unknown[]) => ({ id, type, at, op_codes })));
      } finally {
        await stop(second);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets a corrupt file aside with one line and starts empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-state-cli-'));
    try {
      const path = join(dir, 'registry.state.json');
      writeFileSync(path, '{"format":"ocs-registry-state","version":1,"agents":[[');
      const program = runProgram(BIN, ['--sim', '--site', 'none', '--sim-agents', '0', '--state-file', path]);
      const line = await program.waitFor(/State file .* not used/);
      assert.match(line, /not JSON .* Kept as .*refused-.*; starting with an empty table\./);
      await program.waitFor(/Registry Agent .* joined/);
      await stop(program);
      assert.ok(readdirSync(dir).some((name) => name.includes('.refused-')));
      assert.ok(existsSync(path), 'a fresh file is written on stop');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
