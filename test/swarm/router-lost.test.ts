// A swarm over WebSocket whose router goes away mid-run: it says so, ends the
// run, and still writes its record and a failing verdict.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startEndpoint } from '../../sim/endpoint/index.ts';
import { swarmMain } from '../../sim/swarm/cli.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** One turn of the event loop: real sockets deliver on macrotasks. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('ocs-sim swarm: a lost router', () => {
  it('calls it out, ends the run, and writes the record with a failing verdict', async () => {
    const endpoint = await startEndpoint({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'swarm-lost-'));
    const file = join(dir, 'run.json');
    const clock = new FakeClock(1_700_000_000);
    const out: string[] = [];
    const err: string[] = [];
    let code: number | undefined;
    const main = swarmMain(['--url', endpoint.wsUrl, '--agents', '3', '--duration', '600', '--quiet', '--json', file], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      clock,
    }).then((c) => void (code = c));
    try {
      let closing: Promise<void> | null = null;
      for (let i = 0; i < 20_000 && code === undefined; i++) {
        if (closing === null && err.some((l) => l.includes('agents joined'))) {
          clock.advance(3000); // a few heartbeats first
          closing = endpoint.close();
        }
        if (i % 10 === 0) clock.advance(100);
        await turn();
      }
      await main;
      await closing;
      assert.equal(code, 1, [...out, ...err].join('\n'));
      assert.ok(err.some((l) => /^ocs-sim swarm: lost the router at [\d.]+ s: .*; the run ends now\.$/.test(l)), err.join('\n'));
      assert.match(out.join('\n'), /Router: +LOST at [\d.]+ s/);
      assert.match(out.join('\n'), /Verdict: +FAIL: router lost at/);
      const record = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(record.verdict.pass, false);
      assert.notEqual(record.routerLost, null);
      assert.ok(record.swarm.heartbeatsSent > 0);
    } finally {
      await endpoint.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
