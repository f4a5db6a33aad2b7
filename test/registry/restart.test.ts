// A registry restarted from its saved state (issue 13), in one process on a
// fake clock: the first registry keeps its table in a file (here: memory), a
// second one starts from it after a downtime. The dead are expired at once
// with the right time_expired and published as EXPIRED once; the living stay
// alive; `main` answers with the restored table from its first call.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { floatTime, readSavedState } from '../../src/core/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { StateKeeper } from '../../src/registry/state-keeper.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, settle } from '../support/settle.ts';

const REGISTRY = 'observatory.registry';

function newRegistry(clock: FakeClock): RegistryAgent {
  return new RegistryAgent({ address: REGISTRY, addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
}

describe('Registry restarted from its saved state', () => {
  it('shows the agents that died meanwhile expired at once, and keeps the living alive', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: ['r'], serialize: 'json' });
    const first = newRegistry(clock);
    let file = '';
    const writes: number[] = [];
    const keeper = new StateKeeper({
      registry: first.registry,
      clock,
      write: async (pieces) => {
        file = pieces.join('');
        writes.push(clock.now());
      },
      intervalSeconds: 2,
      sliceSize: 2, // several slices even for four agents
    });
    await first.join(await router.connect('r'));
    keeper.start();
    const fakes = new Map<string, FakeDataAgent>();
    for (const id of ['a', 'b', 'c', 'd']) {
      const fake = new FakeDataAgent({ address: `observatory.${id}`, clock });
      await fake.agent.join(await router.connect('r'));
      fakes.set(id, fake);
    }
    await runFor(clock, 3000);
    assert.equal(first.registry.size, 4);
    assert.ok(writes.length >= 1, 'saved while things changed');

    // "c" dies 4 s before the registry; the registry is killed (no final save) and is away 1.5 s:
    // c's silence passes the 5 s timeout during the downtime; the living are heard again within it.
    const router2 = router; // the router lives on
    await fakes.get('c')!.agent.leave();
    const lastHeardC = first.registry.get('observatory.c')!.last_updated;
    await runFor(clock, 4100); // periodic saves happen in here
    const killedAt = clock.now();
    const saved = file;
    await first.agent.leave(); // what the router sees of a kill -9: the session is gone
    await runFor(clock, 1500);

    const second = newRegistry(clock);
    const state = readSavedState(JSON.parse(saved), { addressRoot: 'observatory', maxAgents: 100, maxNameLength: 255 });
    assert.ok(typeof state !== 'string', String(state));
    const restored = second.restore(state);
    assert.ok(restored.ok);
    assert.deepEqual(restored.expired.map((c) => c.agent.address), ['observatory.c']);

    const client = await router2.connect('r', { authrole: 'iocs_controller' });
    const published: [string, number][] = [];
    await client.subscribe('observatory.registry.feeds.agent_operations', (args) => {
      const block = Object.values((args[0] as [Record<string, { data: Record<string, number[]> }>])[0])[0]!;
      for (const [field, values] of Object.entries(block.data)) published.push([field, values[0] as number]);
    });
    await second.join(await router2.connect('r'));
    clock.advance(0); // main starts on the next tick after the join, as in Python
    await settle();

    // main answers with the restored table, before any heartbeat could have refreshed it.
    const reply = await client.call(`${REGISTRY}.ops`, ['status', 'main', {}]);
    await settle();
    const data = (reply.args[0] as [number, string, { data: Record<string, { expired: boolean; time_expired: number | null }> }])[2].data;
    assert.deepEqual(Object.keys(data).sort(), ['observatory.a', 'observatory.b', 'observatory.c', 'observatory.d']);
    assert.equal(data['observatory.c']?.expired, true);
    assert.equal(data['observatory.c']?.time_expired, floatTime(lastHeardC + 5), 'expired at its last heartbeat + timeout');
    for (const id of ['a', 'b', 'd']) assert.equal(data[`observatory.${id}`]?.expired, false, `${id} is not expired by the restart`);
    assert.ok(clock.now() - lastHeardC > 5 && clock.now() - killedAt < 5, 'c died during the downtime');

    // EXPIRED published for c's ops on joining; never for the living; then nobody expires.
    const cFields = published.filter(([field]) => field.startsWith('observatory_c_'));
    assert.ok(cFields.length > 0 && cFields.every(([, code]) => code === 7));
    let expiries = 0;
    second.onChange((c) => void (c.expired && expiries++));
    await runFor(clock, 12_000);
    assert.equal(expiries, 0, 'the living are heard again; c is expired only once');
    assert.deepEqual(published.filter(([field, code]) => !field.startsWith('observatory_c_') && code === 7), [], 'no living agent shown EXPIRED');
    for (const fake of fakes.values()) fake.agent.stopAllSessions();
    await keeper.stop();
    await second.shutdown(0);
    router.close();
  });

  it('the keeper saves only when something changed, and once more on stop', async () => {
    const clock = new FakeClock();
    const registry = newRegistry(clock);
    const saves: string[] = [];
    const keeper = new StateKeeper({ registry: registry.registry, clock, write: async (p) => void saves.push(p.join('')) });
    keeper.start();
    clock.advance(2000);
    await settle();
    assert.equal(saves.length, 1, 'the first save (an empty table)');
    clock.advance(10_000);
    await settle();
    assert.equal(saves.length, 1, 'nothing changed since');
    registry.heartbeatHandler([[{ acq: 1 }, { agent_address: 'observatory.x', session_id: '1.5' }]], {}, {
      topic: 'observatory.x.feeds.heartbeat',
      publication: 1,
    });
    await keeper.stop();
    assert.equal(saves.length, 2);
    assert.match(saves[1]!, /"observatory\.x"/);
    assert.equal(clock.pendingTimers, 0);
  });
});
