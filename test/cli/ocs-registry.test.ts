// The ocs-registry program, run as a process under the current runtime.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram } from '../support/spawn-cli.ts';
import { VERSION } from '../../src/core/version.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;
const SITE = new URL('../fixtures/default.yaml', import.meta.url).pathname;

describe('ocs-registry command', () => {
  it('--help lists the options and exits 0', async () => {
    const program = runProgram(BIN, ['--help']);
    assert.equal(await program.exited, 0);
    for (const option of ['--wait-time', '--site-hub', '--instance-id', '--crossbar-timeout', '--agent-timeout', '--sim']) {
      assert.ok(program.output().includes(option), option);
    }
  });

  it('--version prints the version and exits 0', async () => {
    const program = runProgram(BIN, ['--version']);
    assert.equal(await program.exited, 0);
    assert.equal(program.output().trim(), `ocs-registry ${VERSION}`);
  });

  it('a bad option gets one line naming the problem and exit code 2', async () => {
    const program = runProgram(BIN, ['--wait-time', 'abc', '--site', 'none']);
    assert.equal(await program.exited, 2);
    const lines = program.output().trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /--wait-time.*"abc"/);
  });

  it('a missing site file is named in one line', async () => {
    const program = runProgram(BIN, ['--site-file', '/nonexistent/default.yaml']);
    assert.equal(await program.exited, 2);
    assert.match(program.output().trim(), /\/nonexistent\/default\.yaml/);
  });

  it('finds its instance by agent class in the site file, and stops cleanly on SIGINT', async () => {
    const program = runProgram(BIN, ['--site-file', SITE, '--site-host', 'localhost', '--sim', '--sim-agents', '3']);
    const joined = await program.waitFor(/Registry Agent .* joined/);
    assert.match(joined, /Registry Agent observatory\.registry joined/);
    const start = Date.now();
    program.child.kill('SIGINT');
    const exit = await program.exited;
    // Deno's node:child_process reports the signal it sent even when the child
    // handled it and exited 0 (from a shell the same run exits 0).
    if ('Deno' in globalThis) assert.ok(exit === 0 || exit === 'SIGINT', String(exit));
    else assert.equal(exit, 0, program.output());
    assert.ok(Date.now() - start < 4000, 'exits within 4 s of SIGINT');
    assert.match(program.output(), /main:0 Stopped registry main process/);
    assert.match(program.output(), /main:0 Status is now "done"/);
  });

  it('--http-port serves the API and the page, and SIGINT closes them', async () => {
    const program = runProgram(BIN, ['--sim', '--site', 'none', '--sim-agents', '5', '--http-port', '0', '--http-token', 'sesame']);
    const line = await program.waitFor(/Operation monitor: http:\/\/127\.0\.0\.1:\d+\//);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await fetch(`${url}/api/agents`)).status, 401, 'the token is required');
    const agents = await fetch(`${url}/api/agents`, { headers: { authorization: 'Bearer sesame' } });
    assert.equal(agents.status, 200);
    assert.equal(typeof (await agents.json()).total, 'number');
    program.child.kill('SIGINT');
    const exit = await program.exited;
    if ('Deno' in globalThis) assert.ok(exit === 0 || exit === 'SIGINT', String(exit));
    else assert.equal(exit, 0, program.output());
  });

  it('retries an unreachable router for --crossbar-timeout, then exits 1 with one clear line', async () => {
    const start = Date.now();
    const program = runProgram(BIN, [
      '--site',
      'none',
      '--site-hub',
      'ws://127.0.0.1:9/ws',
      '--site-realm',
      'test_realm',
      '--address-root',
      'observatory',
      '--instance-id',
      'registry',
      '--crossbar-timeout',
      '1',
    ]);
    assert.equal(await program.exited, 1);
    assert.ok(Date.now() - start >= 1000, 'kept trying for the timeout');
    assert.match(program.output(), /Cannot connect to "ws:\/\/127\.0\.0\.1:9\/ws"/);
    assert.match(program.output(), /ocs-registry: no router at ws:\/\/127\.0\.0\.1:9\/ws within --crossbar-timeout/);
  });
});
