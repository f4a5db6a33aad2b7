// The fast signal: where the router allows the meta API, an agent whose WAMP
// session leaves is suspect at once (not expired); where it does not (OCS's
// own roles), the registry says so at start and relies on late heartbeats.
// On the simulator here; through real crossbar in test/interop/leave-signal.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { runFor, settle } from '../support/settle.ts';

async function network(authorize?: (uri: string) => boolean) {
  const clock = new FakeClock();
  const router = new Router({ realms: ['r'], authorize: authorize && ((_s, _a, uri) => authorize(uri)) });
  const log: string[] = [];
  const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1, log: (l) => log.push(l) });
  await registry.join(await router.connect('r'));
  const fake = new FakeDataAgent({ address: 'observatory.fake1', clock });
  const session = await router.connect('r');
  await fake.agent.join(session);
  await runFor(clock, 2000, 50);
  return { clock, router, registry, fake, session, log };
}

describe('Fast signal: wamp.session.on_leave', () => {
  it('makes an agent whose session left suspect at once, and its next heartbeat clears it', async () => {
    const { clock, router, registry, fake, session, log } = await network();
    assert.equal(registry.leaveSignal.status.available, true);
    assert.match(log.join('\n'), /^Fast signal available: /m);
    const agent = registry.registry.get('observatory.fake1');
    assert.equal(agent?.suspect, null);
    router.killSession(session.id);
    await settle();
    assert.equal(agent?.suspect, 'left', 'suspect at once, not after 3 intervals');
    assert.equal(agent?.expired, false, 'a leave is not a death');
    assert.match(log.join('\n'), /^agent suspect address="observatory.fake1" class="FakeDataAgent" reason=left/m);
    // It rejoins (a new process) and beats: heard again.
    const again = new FakeDataAgent({ address: 'observatory.fake1', clock });
    await again.agent.join(await router.connect('r'));
    await runFor(clock, 1500, 50);
    assert.equal(agent?.suspect, null);
    assert.equal(agent?.restarts, 1);
    fake.agent.stopAllSessions();
    again.agent.stopAllSessions();
    router.close();
  });

  it('after a rejoin, finds the sessions of agents it already knew, so their leaves still count', async () => {
    const { clock, router, registry, fake, session } = await network();
    // The registry's own link drops and comes back: a new registry session, the agents' sessions unchanged.
    const own = router.sessions().find((s) => s.procedures.includes('observatory.registry'));
    assert.ok(own);
    router.killSession(own.id);
    await settle();
    await registry.join(await router.connect('r'));
    // Two calls per lookup through the router: let it deliver (fake time, a bounded number of steps).
    for (let i = 0; i < 40 && registry.leaveSignal.tracked < 1; i++) await runFor(clock, 50, 50);
    assert.equal(registry.leaveSignal.tracked, 1, 'the known agent looked up again');
    router.killSession(session.id);
    await settle();
    assert.equal(registry.registry.get('observatory.fake1')?.suspect, 'left');
    fake.agent.stopAllSessions();
    router.close();
  });

  it('says at start that it is unavailable where the router refuses wamp.*, and works on heartbeats alone', async () => {
    const { clock, router, registry, fake, session, log } = await network((uri) => !uri.startsWith('wamp.'));
    assert.equal(registry.leaveSignal.status.available, false);
    assert.match(log.join('\n'), /^Fast signal unavailable: the router refused the meta API \(wamp.error.not_authorized\)/m);
    router.killSession(session.id);
    await settle();
    const agent = registry.registry.get('observatory.fake1');
    assert.equal(agent?.suspect, null, 'no signal: not suspect yet');
    await runFor(clock, 3500, 50);
    assert.equal(agent?.suspect, 'late', 'late heartbeats still tell');
    fake.agent.stopAllSessions();
    router.close();
  });
});
