// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely, as a test reads them
/**
 * A simulated OCS network inside one process, for tests: the crossbar
 * simulator's router, the TypeScript Registry Agent, FakeDataAgents and a
 * client session with the `iocs_controller` role, all on one FakeClock, so a
 * test moves time itself and never sleeps.
 *
 * @module
 */

import { Router } from '../sim/router/index.ts';
import { FakeDataAgent } from '../sim/agents/fake-data.ts';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import type { EncodedAgent } from '../src/core/registered-agent.ts';
import type { Args, Kwargs, WampSession } from '../src/wamp/session.ts';
import { FakeClock } from './fake-clock.ts';
import { runFor, settle, until, type UntilOptions } from './settle.ts';

export const REALM = 'test_realm';
export const REGISTRY = 'observatory.registry';

export interface SimNetworkOptions {
  /** The registry's --wait-time (seconds between full republishes; default 30). */
  waitTime?: number;
  /** The registry's --agent-timeout (seconds; default 5). */
  agentTimeout?: number;
  /** The registry's --forget-after (seconds; default: never). */
  forgetAfter?: number;
  /** FakeDataAgents to start with, as instance ids (`observatory.<id>`). */
  fakeData?: readonly string[];
}

/** The registry's `main` session data for one agent, as `main.status()` shows it (Python's encoded()). */
export type RegistryEntry = EncodedAgent;

export class SimNetwork {
  readonly clock: FakeClock = new FakeClock(1_700_000_000.25);
  readonly router: Router = new Router({ realms: [REALM], serialize: 'json' });
  /** Lines the registry logged. */
  readonly log: string[] = [];
  registry!: RegistryAgent;
  /** A session with the iocs_controller role, as OCSClient has. */
  client!: WampSession;
  readonly fakes: Map<string, FakeDataAgent> = new Map();

  /** Start the router, join the registry and a client, then the FakeDataAgents asked for. */
  static async start(options: SimNetworkOptions = {}): Promise<SimNetwork> {
    const net = new SimNetwork();
    net.registry = new RegistryAgent({
      address: REGISTRY,
      addressRoot: 'observatory',
      clock: net.clock,
      hostname: 'localhost',
      pid: 4242,
      waitTime: options.waitTime ?? 30,
      agentTimeout: options.agentTimeout,
      liveness: { forgetAfter: options.forgetAfter },
      log: (line) => net.log.push(line),
    });
    await net.registry.join(await net.router.connect(REALM));
    net.client = await net.router.connect(REALM, { authrole: 'iocs_controller' });
    await settle();
    for (const id of options.fakeData ?? []) await net.addFakeData(id);
    return net;
  }

  /** Start a FakeDataAgent at `observatory.<id>`. */
  async addFakeData(id: string): Promise<FakeDataAgent> {
    const fake = new FakeDataAgent({ address: `observatory.${id}`, clock: this.clock });
    await fake.agent.join(await this.router.connect(REALM));
    this.fakes.set(id, fake);
    await settle();
    return fake;
  }

  /** Move time forward in small steps, letting the network deliver at each. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    await runFor(this.clock, ms, stepMs);
  }

  /** Move time forward until `condition` holds (see `until`); returns the clock time it took, in ms. */
  until(condition: () => boolean | Promise<boolean>, options?: UntilOptions): Promise<number> {
    return until(this.clock, condition, options);
  }

  /** Call `{addr}.ops` as OCSClient does: args [action, op, params], returns the reply triple. */
  async ops(address: string, args: Args, kwargs: Kwargs = {}): Promise<[number, string, Record<string, any>]> {
    const result = await this.settled(this.client.call(`${address}.ops`, args, kwargs));
    return result.args[0] as [number, string, Record<string, any>];
  }

  /** Call the management procedure `{addr}` with a query such as `get_api`. */
  async management(address: string, q: string): Promise<any> {
    const result = await this.settled(this.client.call(address, [q]));
    return result.args[0];
  }

  /** Registry `main` session data, as `main.status()` shows it: address -> RegistryEntry. */
  async table(): Promise<Record<string, any>> {
    const [, , session] = await this.ops(REGISTRY, ['status', 'main', {}]);
    return session.data as Record<string, any>;
  }

  /** The registry's entry for one agent (`observatory.<id>`), or undefined. */
  async entry(address: string): Promise<RegistryEntry | undefined> {
    return (await this.table())[address] as RegistryEntry | undefined;
  }

  /** Await a promise while letting the network run (a reply needs several deliveries). */
  async settled<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => {
      done = true;
    });
    for (let i = 0; i < 20 && !done; i++) await settle();
    return tracked;
  }

  async stop(): Promise<void> {
    for (const fake of this.fakes.values()) fake.agent.stopAllSessions();
    this.router.close();
    await settle();
  }
}
