// The registry service on its own (the program and the worker both run it),
// on a fake clock: joined to the embedded simulator it serves its app; with
// no router it gives up after --crossbar-timeout and says so.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegistryConfig } from '../../src/config/index.ts';
import { type FirstJoin, RegistryService } from '../../src/service/registry-service.ts';
import { FakeClock, until } from '../../testing/mod.ts';

const deps = { hostname: 'test-host', readFile: () => '' };

describe('RegistryService', () => {
  it('with --sim: joins, tracks the fake agents, serves the app, stops', async () => {
    const config = loadRegistryConfig(['--sim', '--site', 'none', '--sim-agents', '3'], {}, deps);
    const clock = new FakeClock();
    const lines: string[] = [];
    const service = new RegistryService(config, { clock, hostname: 'h', pid: 1, log: (l) => lines.push(l), http: true, statusEverySeconds: 0 });
    // Joining runs on the clock too (the agent's main process starts on a later tick): drive it.
    // The simulator is loaded by a dynamic import, real I/O the fake clock cannot drive: load it first.
    await import('../../sim/router/index.ts');
    await import('../../sim/swarm/demo.ts');
    let first: FirstJoin | null = null;
    void service.start().then((result) => (first = result));
    await until(clock, () => first !== null, { what: 'the first join' });
    assert.deepEqual(first, { joined: true });
    const app = service.app!;
    const total = async () => ((await (await app.fetch(new Request('http://x/api/agents'))).json()) as { total: number }).total;
    await until(clock, async () => (await total()) >= 3, { what: 'three fake agents' });
    assert.equal((await app.fetch(new Request('http://x/readyz'))).status, 200);
    assert.match(service.statusLine(), /^router joined \| agents: 3 alive/);
    let stopped = false;
    void service.stop().then(() => (stopped = true));
    await until(clock, () => stopped, { what: 'the stop' }); // main stops on the clock, as in Python
    assert.match(service.statusLine(), /^router stopped/);
    assert.ok(lines.some((l) => /Registry Agent observatory\.registry joined/.test(l)));
  });

  it('with no router: gives up after --crossbar-timeout of clock time', async () => {
    const argv = ['--site', 'none', '--site-hub', 'ws://no such host/ws', '--site-realm', 'r', '--address-root', 'observatory'];
    const config = loadRegistryConfig([...argv, '--instance-id', 'registry', '--crossbar-timeout', '3'], {}, deps);
    const clock = new FakeClock();
    const service = new RegistryService(config, { clock, hostname: 'h', pid: 1, log: () => {}, statusEverySeconds: 0 });
    let first: FirstJoin | null = null;
    void service.start().then((result) => (first = result));
    const took = await until(clock, () => first !== null, { what: 'giving up' });
    assert.ok(took >= 3_000 && took < 5_000, `gave up after ${took} ms`);
    assert.equal(first!.joined, false);
    assert.equal(service.app, null, 'no app without --http-port unless asked');
  });

  it('with no router URL and no --sim: a usage error', async () => {
    const config = loadRegistryConfig(['--sim', '--site', 'none'], {}, deps);
    const service = new RegistryService({ ...config, sim: { enabled: false, agents: 0 } }, {
      clock: new FakeClock(),
      hostname: 'h',
      pid: 1,
      log: () => {},
    });
    const first = await service.start();
    assert.equal(first.joined, false);
    assert.ok(!first.joined && first.usage && /No router URL/.test(first.message));
  });
});
