// The fast signal through a real crossbar: with a config whose roles may use
// `wamp.*`, an agent whose session leaves is suspect at once; with OCS's own
// config (only `observatory.`), the registry says the signal is unavailable.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { eventually } from './python.ts';

const OCS_CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

/** OCS's test config, its roles also allowed to call and subscribe under `wamp.` (the meta API). */
function metaConfig(): Record<string, unknown> {
  const config = JSON.parse(readFileSync(OCS_CONFIG, 'utf8'));
  for (const role of config.workers[0].realms[0].roles) {
    role.permissions.push({
      uri: 'wamp.',
      match: 'prefix',
      allow: { call: true, register: false, publish: false, subscribe: true },
      disclose: { caller: false, publisher: false },
      cache: true,
    });
  }
  return config;
}

async function run(
  config: Record<string, unknown> | undefined,
  body: (r: { registry: RegistryAgent; log: string[]; kill: () => Promise<void> }) => Promise<void>,
) {
  const crossbar = await startCrossbar({ config });
  const join = async () => WampPeer.join(await WebSocketTransport.connect(crossbar.wsUrl), 'test_realm');
  const log: string[] = [];
  const registry = new RegistryAgent({
    address: 'observatory.registry',
    addressRoot: 'observatory',
    clock: systemClock,
    hostname: 'h',
    pid: 1,
    log: (l) => log.push(l),
  });
  const fake = new FakeDataAgent({ address: 'observatory.fake1', clock: systemClock });
  try {
    await registry.join(await join());
    const session = await join();
    await fake.agent.join(session);
    await eventually(async () => registry.registry.get('observatory.fake1') ? true : undefined, 'the fake agent heard', 10_000);
    await body({ registry, log, kill: () => session.leave() });
  } finally {
    fake.agent.stopAllSessions();
    await registry.leave().catch(() => {});
    await crossbar.close();
  }
}

describe('fast signal through real crossbar', { skip: skipWithoutCrossbar() }, () => {
  it('a config allowing wamp.*: a departed session makes its agent suspect at once', async () => {
    await run(metaConfig(), async ({ registry, log, kill }) => {
      assert.equal(registry.leaveSignal.status.available, true, registry.leaveSignal.status.detail);
      assert.match(log.join('\n'), /^Fast signal available: /m);
      // The lookup of the agent's session runs after its join: wait until it is known.
      await eventually(async () => (registry.leaveSignal.tracked >= 1 ? true : undefined), "the agent's session found", 5000);
      await kill();
      const agent = registry.registry.get('observatory.fake1');
      await eventually(async () => (agent?.suspect === 'left' ? true : undefined), 'suspect after the leave', 3000);
      assert.equal(agent?.expired, false);
    });
  });

  it("OCS's own config: the registry says the signal is unavailable (not_authorized)", async () => {
    await run(undefined, async ({ registry, log }) => {
      assert.equal(registry.leaveSignal.status.available, false);
      assert.match(log.join('\n'), /^Fast signal unavailable: the router refused the meta API \(wamp\.error\.not_authorized\)/m);
    });
  });
});
