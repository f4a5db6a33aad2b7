// `ocs-sim swarm` end to end on a FakeClock: the in-process router, the
// TypeScript registry, the checker, the summary and the exit code.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { swarmMain } from '../../sim/swarm/cli.ts';
import type { ProcessApi } from '../../sim/swarm/readings.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

async function run(argv: string[], processApi?: ProcessApi) {
  const clock = new FakeClock(1_700_000_000);
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const main = swarmMain(argv, { out: (l) => out.push(l), err: (l) => err.push(l), clock, processApi }).then((c) => {
    code = c;
  });
  for (let i = 0; i < 10_000 && code === undefined; i++) {
    clock.advance(50);
    await settle(50);
  }
  await main;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ocs-sim swarm', () => {
  it('runs a scenario in-process, checks the registry and passes', async () => {
    const r = await run([
      '--agents',
      '25',
      '--duration',
      '30',
      '--crash-per-min',
      '8',
      '--restart-after',
      '6',
      '--starts-per-min',
      '60',
      '--hb-off-per-min',
      '4',
      '--seed',
      '4',
      '--tolerance',
      '2',
      '--poll',
      '0.5',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Swarm: [\d,]+ heartbeats in 30\.\d s from 25 agents at 1 Hz \(seed 4, in-process/);
    assert.match(r.out, /Heartbeats sent: +[\d,]+ msgs\/sec \| min [\d,]+ \| avg [\d,]+ \| max [\d,]+/);
    assert.match(r.out, /Delivered: +([\d,]+) \/ \1 \(100\.000%\)/);
    assert.match(r.out, /Latency: +p50 .* \| p90 .* \| p99 .* \| p99\.9 /);
    assert.match(r.out, /Registry check: +PASS \(observatory\.registry\): [1-9]\d* expiries seen/);
    assert.match(r.out, /Registry lag: +op changes p50 [\d.]+ ms \| p99 [\d.]+ ms \| max [\d.]+ ms \([1-9][\d,]*\); expiries after the timeout p50 /);
  });

  it('exits 1 and prints the mismatches when the registry misses the promise (no tolerance at all)', async () => {
    const r = await run([
      '--agents',
      '10',
      '--duration',
      '20',
      '--crash-per-min',
      '12',
      '--restart-after',
      'never',
      '--tolerance',
      '0',
      '--seed',
      '2',
      '--quiet',
    ]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /Registry check: +FAIL/);
    assert.match(r.err, /MISMATCH late-expiry observatory\.swarm-\d{4} at [\d.]+: reported expired 5\.\d\d s after its last heartbeat \(crash\); allowed 5 s/);
  });

  it('prints help, and one line with exit code 2 for bad options', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: ocs-sim swarm/);
    const bad = await run(['--agents', '-4']);
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'ocs-sim swarm: Scenario "agents" must be at least 0, got -4.');
    const both = await run(['--url', 'ws://127.0.0.1:1/ws', '--in-process']);
    assert.equal(both.code, 2);
    const unobserved = await run(['--no-observer']);
    assert.equal(unobserved.code, 2);
    assert.match(unobserved.err, /--no-observer needs --url/);
  });

  it('writes its record and verdict when memory and CPU readings fail (Bun: "Failed to get memory usage")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarm-cli-'));
    try {
      const failing: ProcessApi = {
        cpuUsage: () => {
          throw new Error('EMFILE');
        },
        memoryUsage: () => {
          throw new Error('Failed to get memory usage');
        },
      };
      const file = join(dir, 'run.json');
      const r = await run(['--agents', '5', '--duration', '8', '--quiet', '--json', file], failing);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /Process: +CPU unavailable, RSS unavailable \(CPU: EMFILE; memory: Failed to get memory usage\)/);
      assert.match(r.out, /Verdict: +PASS$/m);
      const record = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(record.rssBytes, null);
      assert.equal(record.cpuShare, null);
      assert.deepEqual(record.verdict, { pass: true, checked: true, reasons: [] });
      assert.equal(record.swarm.waitingToJoin, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a failing record when it cannot reach the router at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarm-cli-'));
    try {
      const file = join(dir, 'run.json');
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      const r = await run(['--url', 'ws://127.0.0.1:9/ws', '--registry', 'observatory.registry', '--agents', '3', '--quiet', '--json', file]);
      assert.equal(r.code, 2);
      assert.match(r.err, /cannot set up \(websocket ws:\/\/127\.0\.0\.1:9\/ws\): Cannot connect/);
      assert.match(r.out, /Verdict: +FAIL: cannot set up/);
      const record = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(record.verdict.pass, false);
      assert.equal(record.mode, 'websocket ws://127.0.0.1:9/ws');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
