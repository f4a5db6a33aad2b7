// kill -9 of the only registry, then a restart from its state file (issue 13),
// as real processes on the simulator's endpoint: agents that died before the
// kill show expired at once with time_expired = their last heartbeat + 5 s and
// are published as 7 once; the living stay alive.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { floatTime } from '../../src/core/index.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { type Program, runProgram } from '../support/spawn-cli.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;

/** Resolves when `check()` holds, polled every 20 ms (a file on disk has no event to await). */
function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`Timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('registry restart from its state file after kill -9 (simulator endpoint)', { timeout: 120_000 }, () => {
  let endpoint: SimEndpoint;
  let dir: string;
  const sessions: WampSession[] = [];
  const programs: Program[] = [];
  const connect = async () => {
    const session = await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl), 'test_realm');
    sessions.push(session);
    return session;
  };
  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'ocs-restart-'));
  });
  after(async () => {
    for (const p of programs) p.child.kill('SIGKILL');
    for (const s of sessions) await s.leave().catch(() => {});
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the dead expired at once with the right time_expired, and keeps the living alive', async () => {
    const path = join(dir, 'registry.state.json');
    const args = ['--site', 'none', '--site-hub', endpoint.wsUrl, '--site-realm', 'test_realm', '--address-root', 'observatory'];
    args.push('--instance-id', 'registry', '--state-file', path, '--crossbar-timeout', '0');
    const first = runProgram(BIN, args);
    programs.push(first);
    await first.waitFor(/Registry Agent .* joined/, 60_000);
    const fakes: FakeDataAgent[] = [];
    for (let i = 1; i <= 6; i++) {
      const fake = new FakeDataAgent({ address: `observatory.agent${i}`, clock: systemClock });
      await fake.agent.join(await connect());
      fakes.push(fake);
    }
    const saved = () => {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as { agents: unknown[][] };
      } catch {
        return null;
      }
    };
    await until(() => (saved()?.agents.length ?? 0) === 6, 20_000, 'a save with all six agents');

    // Two agents die; 3.5 s later (saves on), the registry is killed just after a save.
    for (const fake of fakes.slice(0, 2)) await fake.agent.leave();
    await new Promise((resolve) => setTimeout(resolve, 3500)); // the dead's silence, part of the scenario
    const mtime = statSync(path).mtimeMs;
    await until(() => statSync(path).mtimeMs !== mtime, 5000, 'the next save');
    first.child.kill('SIGKILL');
    await first.exited;
    const file = saved()!;
    const lastHeard = new Map(file.agents.map((a) => [a[0] as string, a[3] as number]));
    // Down until the dead have been silent for more than the 5 s timeout (the living beat on meanwhile).
    const deadSilentAt = Math.max(lastHeard.get('observatory.agent1')!, lastHeard.get('observatory.agent2')!) + 5.3;
    await until(() => Date.now() / 1000 > deadSilentAt, 10_000, "the dead's timeout");

    const second = runProgram(BIN, args);
    programs.push(second);
    const restored = await second.waitFor(/Restored \d+ agents/, 60_000);
    assert.match(restored, /Restored 6 agents .* 2 expired \(counting the downtime\), 4 alive/);
    const client = await connect();
    const expiredOps: string[] = [];
    await client.subscribe('observatory.registry.feeds.agent_operations', (a) => {
      const fields = (a[0] as [Record<string, { data: Record<string, number[]> }>])[0];
      for (const block of Object.values(fields)) for (const [field, values] of Object.entries(block.data)) if (values[0] === 7) expiredOps.push(field);
    });
    await second.waitFor(/Registry Agent .* joined/, 60_000);
    const reply = await client.call('observatory.registry.ops', ['status', 'main', {}]);
    const data = (reply.args[0] as [number, string, { data: Record<string, { expired: boolean; time_expired: number | null }> }])[2].data;
    for (let i = 1; i <= 6; i++) {
      const entry = data[`observatory.agent${i}`];
      if (i <= 2) {
        assert.equal(entry?.expired, true, `agent${i} died: expired`);
        assert.equal(entry?.time_expired, floatTime(lastHeard.get(`observatory.agent${i}`)! + 5), `agent${i}: last heartbeat + timeout`);
      } else {
        assert.equal(entry?.expired, false, `agent${i} lives: not expired by the restart`);
      }
    }
    await until(() => expiredOps.length > 0, 5000, 'EXPIRED published for the dead');
    assert.ok(expiredOps.every((f) => f.startsWith('observatory_agent1_') || f.startsWith('observatory_agent2_')), expiredOps.join());
    second.child.kill('SIGINT');
    await second.exited;
    for (const fake of fakes) fake.agent.stopAllSessions();
  });
});
