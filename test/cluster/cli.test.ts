// `ocs-sim router --proxies N` as a program: it says where it serves and which
// processes are its proxies, and when the router process dies, its proxies
// close their clients (1001) and exit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import process from 'node:process';
import { parseRouterArgs } from '../../sim/cli/args.ts';
import { runProgram } from '../support/spawn-cli.ts';
import { readFileSync } from 'node:fs';
import { RawSocket } from '../endpoint/helpers.ts';
import { startCluster } from '../../sim/mod.ts';

const OCS_SIM = new URL('../../bin/ocs-sim.ts', import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ocs-sim router --proxies', () => {
  it('reads --proxies and --extra-hosts, and refuses --extra-hosts alone', () => {
    const args = parseRouterArgs(['--proxies', '3', '--extra-hosts', '127.0.0.2, 127.0.0.3']);
    assert.equal(args.proxies, 3);
    assert.deepEqual(args.extraHosts, ['127.0.0.2', '127.0.0.3']);
    assert.equal(parseRouterArgs([]).proxies, 0);
    assert.throws(() => parseRouterArgs(['--extra-hosts', '127.0.0.2']), /--extra-hosts needs --proxies/);
    assert.throws(() => parseRouterArgs(['--proxies', 'two']), /--proxies must be an integer/);
    assert.equal(parseRouterArgs(['--proxies', '2', '--proxy-runtime', 'deno']).proxyRuntime, 'deno');
    assert.throws(() => parseRouterArgs(['--proxies', '2', '--proxy-runtime', 'python']), /--proxy-runtime must be one of bun, node, deno/);
    assert.throws(() => parseRouterArgs(['--proxy-runtime', 'node']), /--proxy-runtime needs --proxies/);
  });

  it('runs its proxies on another runtime when asked', async () => {
    const other = (globalThis as { Bun?: unknown }).Bun ? 'node' : 'bun';
    const cluster = await startCluster({ port: 0, proxies: 1, proxyRuntime: other });
    try {
      const pid = cluster.proxies[0]!.pid;
      assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!, new RegExp(`(^|/)${other}(\\.exe)?$`));
      const client = await RawSocket.connect(cluster.wsUrl, ['wamp.2.cbor']);
      assert.equal((await client.join())[0], 2);
      await client.close();
    } finally {
      await cluster.close();
    }
  });

  it('a router process that dies takes its proxies and their clients with it', async () => {
    const router = runProgram(OCS_SIM, ['router', '--port', '0', '--proxies', '1']);
    try {
      const url = /listening on (http:\/\/\S+)/.exec(await router.waitFor(/listening on http/, 60_000))![1]!;
      const pid = Number(/proxies\s+(\d+)/.exec(await router.waitFor(/^\s+proxies\s+\d+/))![1]);
      assert.ok(alive(pid));
      const client = await RawSocket.connect(`${url.replace(/^http/, 'ws')}/ws`, ['wamp.2.json']);
      assert.equal((await client.join())[0], 2);
      router.child.kill('SIGKILL');
      assert.deepEqual(await client.closed, { code: 1001, reason: 'router gone' });
      // The proxy exits right after closing its clients; give it a bounded moment.
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(alive(pid), false);
    } finally {
      router.child.kill('SIGKILL');
      await router.exited;
    }
  });
});
