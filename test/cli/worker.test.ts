// src/worker.ts, the registry as an edge worker, served by `deno serve` and
// by `bun` as they serve any `export default { fetch }`, configured from the
// environment alone, joined over WebSocket to the simulator's endpoint with
// fake agents on it. Both runtimes run whichever runner runs this file.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { DemoNetwork } from '../../sim/swarm/demo.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { type Program, runCommand } from '../support/spawn-cli.ts';

const WORKER = new URL('../../src/worker.ts', import.meta.url).pathname;
const BIN = new URL('../../node_modules/.bin/', import.meta.url).pathname;

const RUNTIMES: Record<string, (port: number) => string[]> = {
  deno: (port) => ['serve', '--allow-all', '--host', '127.0.0.1', '--port', String(port), WORKER],
  bun: () => [WORKER],
};

/** The port the runtime says it listens on. */
async function listening(program: Program): Promise<string> {
  const line = await program.waitFor(/Listening on http:\/\/|Started .*server: http:\/\//);
  const port = /:(\d+)\/?\s*$/.exec(line.trim())?.[1];
  assert.ok(port, line);
  return `http://127.0.0.1:${port}`;
}

/** Poll `check` until it holds; a deadline, not a delay, bounds it. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the edge worker (src/worker.ts)', () => {
  let endpoint: SimEndpoint;
  let demo: DemoNetwork;

  before(async () => {
    endpoint = await startEndpoint({ port: 0 });
    demo = new DemoNetwork({ agents: 3, clock: systemClock, connect: () => endpoint.router.connect('test_realm'), random: () => 0.99 });
    await demo.start();
  });

  after(async () => {
    demo.stop();
    await endpoint.close();
  });

  for (const [runtime, args] of Object.entries(RUNTIMES)) {
    it(`runs the whole registry on ${runtime}, configured from the environment`, { skip: !existsSync(`${BIN}${runtime}`) }, async () => {
      const program = runCommand(`${BIN}${runtime}`, args(0), {
        SITE_HUB: endpoint.wsUrl,
        SITE_REALM: 'test_realm',
        ADDRESS_ROOT: 'observatory',
        INSTANCE_ID: `registry-${runtime}`,
        AGENT_TIMEOUT: '7',
        PORT: '0',
        BUN_PORT: '0',
        HOSTNAME: '127.0.0.1',
      });
      try {
        const url = await listening(program);
        await program.waitFor(/Registry Agent observatory\.registry-\w+ joined/);
        assert.equal((await fetch(`${url}/readyz`)).status, 200);
        await until(async () => ((await (await fetch(`${url}/api/agents`)).json()) as { total: number }).total >= 3, 'three agents');
        const status = (await (await fetch(`${url}/api/status`)).json()) as { address: string; agent_timeout: number };
        assert.equal(status.address, `observatory.registry-${runtime}`);
        assert.equal(status.agent_timeout, 7);
        assert.match(await (await fetch(`${url}/metrics`)).text(), /ocs_registry_/);
        assert.match(await (await fetch(`${url}/`)).text(), /<html/i);
        const events = await fetch(`${url}/api/events`);
        assert.equal(events.headers.get('content-type')?.split(';')[0], 'text/event-stream');
        await events.body?.cancel();
      } finally {
        program.child.kill('SIGTERM');
        await program.exited;
      }
      assert.match(program.output(), /SIGTERM: stopping/);
    });

    it(`on ${runtime}, finds its instance in $OCS_CONFIG_DIR/default.yaml`, { skip: !existsSync(`${BIN}${runtime}`) }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'worker-site-'));
      writeFileSync(
        join(dir, 'default.yaml'),
        `hub: {wamp_server: '${endpoint.wsUrl}', wamp_realm: test_realm, address_root: observatory}\n` +
          `hosts:\n  worker-host:\n    'agent-instances': [{'agent-class': 'RegistryAgent', 'instance-id': 'site-${runtime}', 'arguments': []}]\n`,
      );
      const program = runCommand(`${BIN}${runtime}`, args(0), { OCS_CONFIG_DIR: dir, SITE_HOST: 'worker-host', PORT: '0', HOSTNAME: '127.0.0.1' });
      try {
        const url = await listening(program);
        await program.waitFor(/Registry Agent observatory\.site-\w+ joined/);
        assert.equal(((await (await fetch(`${url}/api/status`)).json()) as { address: string }).address, `observatory.site-${runtime}`);
      } finally {
        program.child.kill('SIGTERM');
        await program.exited;
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
