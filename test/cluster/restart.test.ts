// A proxy of `ocs-sim router --proxies N` that dies is started again, on the
// same port, after a back-off; its death is logged once; /info shows each
// proxy with its counts. Driven through `startCluster` as sim/mod.ts exports
// it, as a program that embeds the cluster would.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import { type ProxyInfo, type SimCluster, startCluster } from '../../sim/mod.ts';
import { restartDelay } from '../../sim/cluster/proxy-slot.ts';
import { RawSocket } from '../endpoint/helpers.ts';

describe('proxy restart back-off', () => {
  it('doubles for each death in a row, from the first delay, up to the most', () => {
    const policy = { restartDelayMs: 100, restartMaxDelayMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => restartDelay(n, policy)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(restartDelay(1), 250);
    assert.equal(restartDelay(1000), 30_000);
  });
});

/** Join clients until one lands on the proxy with `pid` (the kernel spreads connections); the others are closed. */
async function clientOn(cluster: SimCluster, pid: number, tries = 60): Promise<RawSocket> {
  for (let i = 0; i < tries; i++) {
    const sessions = (p: number) => cluster.link.proxies().find((c) => c.pid === p)?.sessions ?? 0;
    const before = sessions(pid);
    const client = await RawSocket.connect(cluster.wsUrl, ['wamp.2.json']);
    assert.equal((await client.join())[0], 2);
    if (sessions(pid) > before) return client;
    await client.close();
  }
  throw new Error(`No client landed on proxy pid ${pid} in ${tries} tries.`);
}

describe('a proxy that dies', () => {
  let cluster: SimCluster;
  const lines: string[] = [];
  let servesAgain: () => void = () => {};
  before(async () => {
    cluster = await startCluster({
      port: 0,
      proxies: 2,
      restartDelayMs: 20,
      log: (line) => {
        lines.push(line);
        if (/serves again/.test(line)) servesAgain();
      },
    });
  });
  after(async () => {
    await cluster.close();
  });

  it('is started again on the same port, logged once, and /info counts it', async () => {
    const first = cluster.proxies[0]!;
    const victimPid = first.pid;
    const client = await clientOn(cluster, victimPid);
    const info = async () => ((await (await fetch(`${cluster.url}/info`)).json()) as { proxies: ProxyInfo[] }).proxies;
    const shown = (await info()).find((p) => p.pid === victimPid)!;
    assert.equal(shown.index, 0);
    assert.equal(shown.running, true);
    assert.equal(shown.restarts, 0);
    assert.ok(shown.sessions >= 1 && shown.connectionsOpened >= 1, JSON.stringify(shown));
    assert.ok(shown.framesIn >= 1 && shown.framesOut >= 1, JSON.stringify(shown)); // HELLO in, WELCOME out

    const restarted = new Promise<void>((resolve) => (servesAgain = resolve));
    process.kill(victimPid, 'SIGKILL');
    assert.notEqual((await client.closed).code, 1000); // 1006 (Deno's client says 0): no closing handshake
    await restarted;
    assert.notEqual(first.pid, victimPid);
    assert.equal(first.restarts, 1);
    assert.equal(first.exitCode, null);
    assert.equal(lines.filter((line) => /proxy 0 \(pid \d+\) exited/.test(line)).length, 1, lines.join('\n'));
    assert.match(lines.find((line) => /exited/.test(line))!, /SIGKILL.*starting it again in 20 ms/);

    // The new process serves the same port, over a link of its own.
    const again = await clientOn(cluster, first.pid);
    const now = (await info()).find((p) => p.index === 0)!;
    assert.equal(now.pid, first.pid);
    assert.equal(now.restarts, 1);
    assert.ok(now.sessions >= 1, JSON.stringify(now));
    assert.equal((await info()).find((p) => p.index === 1)!.restarts, 0);
    await again.close();
  });
});
