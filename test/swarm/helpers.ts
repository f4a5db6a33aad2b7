// A swarm on the in-process router with the TypeScript Registry Agent and a
// Checker, all on one FakeClock: time moves only when a test says so.
import { Router } from '../../sim/router/index.ts';
import { Checker } from '../../sim/swarm/checker.ts';
import { type Connector, inProcessConnector } from '../../sim/swarm/connection.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../sim/swarm/scenario.ts';
import { Swarm } from '../../sim/swarm/swarm.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { settle } from '../support/settle.ts';

export const REALM = 'test_realm';

/** A quiet scenario: every rate off unless a test turns it on. */
export function quietScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    ...DEFAULT_SCENARIO,
    agents: 10,
    jitter: 0,
    startsPerMin: 0,
    finishesPerMin: 0,
    failsPerMin: 0,
    degradesPerMin: 0,
    crashPerMin: 0,
    hbOffPerMin: 0,
    partitionsPerMin: 0,
    churnPerMin: 0,
    tolerance: 2,
    staleness: 0.5,
    poll: 0.5,
    ...overrides,
  };
}

export interface SwarmNet {
  clock: FakeClock;
  router: Router;
  registry: RegistryAgent;
  swarm: Swarm;
  checker: Checker;
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** `wrapAgents` sees (and may wrap) the agents' connector, e.g. to note their sessions. */
export async function startSwarmNet(scenario: Scenario, wrapAgents: (connect: Connector) => Connector = (c) => c): Promise<SwarmNet> {
  const clock = new FakeClock(1_700_000_000.25);
  const router = new Router({ realms: [REALM] });
  const registry = new RegistryAgent({
    address: 'observatory.registry',
    addressRoot: 'observatory',
    clock,
    hostname: 'localhost',
    pid: 1,
    agentTimeout: scenario.timeout,
  });
  await registry.join(await router.connect(REALM));
  const connect = inProcessConnector(router, REALM, 'json');
  const swarm = new Swarm(scenario, { clock, connect: wrapAgents(connect), recordEvents: true });
  const checker = new Checker(swarm, { clock, registry: 'observatory.registry', ...scenario });
  await checker.attach((await connect()).session);
  const started = swarm.start();
  await settle();
  await started;
  const advance = async (ms: number) => {
    for (let done = 0; done < ms; done += 50) {
      clock.advance(Math.min(50, ms - done));
      await settle(50);
    }
  };
  const stop = async () => {
    await checker.detach();
    const stopping = swarm.stop();
    await settle();
    await stopping;
    registry.agent.stopAllSessions();
    await advance(100);
    router.close();
    await settle();
  };
  return { clock, router, registry, swarm, checker, advance, stop };
}
