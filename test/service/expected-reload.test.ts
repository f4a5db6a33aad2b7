// The service reads the agents the site config expects at start, again on a
// timer (--site-reread) and on SIGHUP (reloadExpected), keeping the last list
// when the file cannot be read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegistryConfig } from '../../src/config/index.ts';
import { type FirstJoin, RegistryService } from '../../src/service/registry-service.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, until } from '../../testing/mod.ts';

const SITE = (ids: string[]) => `
hub: { wamp_server: 'ws://127.0.0.1:1/ws', wamp_realm: r, address_root: obs }
hosts:
  localhost:
    agent-instances:
      - { agent-class: RegistryAgent, instance-id: registry }
${ids.map((id) => `      - { agent-class: FakeDataAgent, instance-id: ${id} }`).join('\n')}
`;

describe('RegistryService: expected agents', () => {
  it('reads them at start and again on reloadExpected, keeping the last list when the file breaks', () => {
    const files: Record<string, string> = { '/s.yaml': SITE(['a', 'b']) };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    };
    const config = loadRegistryConfig(['--site-file', '/s.yaml'], {}, { hostname: 'x', readFile });
    const log: string[] = [];
    const service = new RegistryService(config, { clock: new FakeClock(1_700_000_000), hostname: 'x', pid: 1, log: (l) => log.push(l), readFile });
    const expected = service.agent.expected;
    assert.deepEqual([...expected.all()].map((a) => a.address), ['obs.registry', 'obs.a', 'obs.b']);
    assert.deepEqual(expected.missing(service.agent.registry).map((a) => a.address), ['obs.a', 'obs.b'], 'the registry itself is never missing');
    assert.deepEqual(log, [], 'nothing logged missing at start: nothing heard yet');
    files['/s.yaml'] = SITE(['a', 'c']);
    service.reloadExpected();
    assert.deepEqual([...expected.all()].map((a) => a.address), ['obs.registry', 'obs.a', 'obs.c']);
    assert.deepEqual(log, ['agent missing address="obs.a"', 'agent missing address="obs.c"']);
    delete files['/s.yaml'];
    service.reloadExpected();
    assert.equal(expected.size, 3, 'kept');
    assert.match(log.at(-1) ?? '', /^site config: cannot re-read "\/s.yaml"/);
  });

  it('reads them again every --site-reread seconds of clock time once joined, and not before', async () => {
    const files: Record<string, string> = { '/s.yaml': SITE(['a']) };
    const readFile = (path: string) => files[path] ?? '';
    const config = loadRegistryConfig(['--sim', '--sim-agents', '0', '--site-file', '/s.yaml', '--site-reread', '30'], {}, { hostname: 'x', readFile });
    const clock = new FakeClock(1_700_000_000);
    const service = new RegistryService(config, { clock, hostname: 'x', pid: 1, log: () => {}, readFile, statusEverySeconds: 0 });
    const addresses = () => [...service.agent.expected.all()].map((a) => a.address);
    // The simulator is loaded by a dynamic import, real I/O the fake clock cannot drive: load it first.
    await import('../../sim/router/index.ts');
    await import('../../sim/swarm/demo.ts');
    let first: FirstJoin | null = null;
    void service.start().then((result) => (first = result));
    await until(clock, () => first !== null, { what: 'the first join' });
    files['/s.yaml'] = SITE(['a', 'b']);
    await runFor(clock, 25_000);
    assert.deepEqual(addresses(), ['obs.registry', 'obs.a'], 'not re-read before the period');
    await until(clock, () => addresses().length === 3, { what: 'the timed re-read', timeoutMs: 10_000 });
    assert.deepEqual(addresses(), ['obs.registry', 'obs.a', 'obs.b']);
    files['/s.yaml'] = SITE([]);
    await until(clock, () => addresses().length === 1, { what: 'the next timed re-read', timeoutMs: 31_000 });
    let stopped = false;
    void service.stop().then(() => (stopped = true));
    await until(clock, () => stopped, { what: 'the stop' });
  });

  it('expects nothing with --site none', () => {
    const config = loadRegistryConfig(
      ['--site', 'none', '--site-hub', 'ws://127.0.0.1:1/ws', '--site-realm', 'r', '--address-root', 'obs', '--instance-id', 'registry'],
      {},
      {
        hostname: 'x',
        readFile: () => '',
      },
    );
    const service = new RegistryService(config, { clock: new FakeClock(1_700_000_000), hostname: 'x', pid: 1, log: () => {}, readFile: () => '' });
    assert.equal(service.agent.expected.configured, false);
  });
});
