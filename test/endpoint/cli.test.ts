// `ocs-sim` command line, driven in-process with a fake process (output
// lines, files, and a shutdown signal the test fires).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../../sim/cli/main.ts';
import { type CommandIo, routerCommand } from '../../sim/cli/router-command.ts';
import type { SimEndpoint } from '../../sim/endpoint/index.ts';
import { RawSocket } from './helpers.ts';
import { VERSION } from '../../src/core/version.ts';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  let shutdown: ((signal: string) => void) | undefined;
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: (path) => readFileSync(path, 'utf8'),
    onShutdown: (handler) => void (shutdown = handler),
  };
  return { io, out, err, signal: (name: string) => shutdown?.(name) };
}

describe('ocs-sim command line', () => {
  it('rejects a bad flag with one line and exit 2', async () => {
    const bad = [['router', '--bogus'], ['router', '--port', 'x'], ['router', '--path', 'ws'], ['router', '--port'], ['router', '--port', '--host', 'h'], [
      'router',
      'extra',
    ], ['router', '--help=yes']];
    for (const argv of bad) {
      const { io, err } = fakeIo();
      assert.equal(await main(argv, io), 2, argv.join(' '));
      assert.equal(err.length, 1);
      assert.match(err[0] as string, /^ocs-sim: /);
    }
  });

  it('hands swarm to the swarm command: a bad option is exit 2', async () => {
    const { io } = fakeIo();
    assert.equal(await main(['swarm', '--agents', 'lots', '--quiet'], io), 2);
  });

  it('prints its version with exit 0', async () => {
    const { io, out } = fakeIo();
    assert.equal(await main(['--version'], io), 0);
    assert.deepEqual(out, [`ocs-sim ${VERSION}`]);
  });

  it('prints help with exit 0', async () => {
    const { io, out } = fakeIo();
    assert.equal(await main(['router', '--help'], io), 0);
    assert.match(out.join('\n'), /--config FILE/);
  });

  it('serves until the shutdown signal, then says GOODBYE and exits 0', async () => {
    const fake = fakeIo();
    let endpoint!: SimEndpoint;
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const done = routerCommand(['--port', '0', '--path', '/wamp', '--realm', 'my_realm'], fake.io, (e) => {
      endpoint = e;
      ready();
    });
    await started;
    assert.match(fake.out[0] as string, /^ocs-sim router listening on http:\/\/127\.0\.0\.1:\d+ \(realms: my_realm\)$/);
    assert.ok(fake.out.some((line) => line.includes(`ws://127.0.0.1:${endpoint.port}/wamp`)));
    const client = await RawSocket.connect(`ws://127.0.0.1:${endpoint.port}/wamp`, ['wamp.2.json']);
    assert.equal((await client.join('my_realm'))[0], 2);
    fake.signal('SIGTERM');
    assert.equal(await done, 0);
    assert.deepEqual((await client.next())[0], 6); // GOODBYE
    await client.closed;
  });

  it('serves OCS tests/config.json with --config', async () => {
    const fake = fakeIo();
    let ready!: (endpoint: SimEndpoint) => void;
    const started = new Promise<SimEndpoint>((resolve) => (ready = resolve));
    const path = new URL('./fixtures/ocs-tests-config.json', import.meta.url).pathname;
    const done = routerCommand(['--config', path, '--port=0'], fake.io, ready);
    const endpoint = await started;
    assert.deepEqual(endpoint.paths.map((p) => p.path), ['/ws', '/call', '/info']);
    assert.equal((await fetch(`${endpoint.url}/info`).then((r) => r.json())).node, 'ocs-sim');
    fake.signal('SIGINT');
    assert.equal(await done, 0);
  });

  it('serves the control API with --control-port, and stops it on shutdown', async () => {
    const fake = fakeIo();
    let ready!: (endpoint: SimEndpoint) => void;
    const started = new Promise<SimEndpoint>((resolve) => (ready = resolve));
    const done = routerCommand(['--port', '0', '--control-port', '0'], fake.io, ready);
    const endpoint = await started;
    const control = /control\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(fake.out.join('\n'))?.[1];
    assert.ok(control, fake.out.join('\n'));
    const status = await fetch(`${control}/status`).then((r) => r.json());
    assert.equal(status.port, endpoint.port);
    assert.equal(status.serving, true);
    fake.signal('SIGTERM');
    assert.equal(await done, 0);
    await assert.rejects(fetch(`${control}/status`), 'the control port is closed too');
  });

  it('hands registry to the ocs-registry program: --help is exit 0', async () => {
    const { io } = fakeIo();
    const log = console.log;
    const lines: string[] = [];
    console.log = (line: string) => void lines.push(line);
    try {
      assert.equal(await main(['registry', '--help'], io), 0);
    } finally {
      console.log = log;
    }
    assert.match(lines.join('\n'), /Usage: ocs-registry/);
  });

  it('reports an unreadable config with exit 2', async () => {
    const { io, err } = fakeIo();
    assert.equal(await main(['router', '--config', '/nonexistent/config.json'], io), 2);
    assert.match(err[0] as string, /cannot read config/);
  });
});
