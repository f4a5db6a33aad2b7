// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// An OCS network inside one process for tests: the simulator router, the
// TypeScript Registry Agent, TypeScript FakeDataAgents and a client session,
// all on one FakeClock.

import { Router } from '../../sim/router/index.ts';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import type { Args, Kwargs, WampSession } from '../../src/wamp/session.ts';
import { FakeClock } from './fake-clock.ts';
import { runFor, settle } from './settle.ts';

export const REALM = 'test_realm';
export const REGISTRY = 'observatory.registry';

export interface NetworkOptions {
  waitTime?: number;
}

export class Network {
  readonly clock = new FakeClock(1_700_000_000.25);
  readonly router = new Router({ realms: [REALM], serialize: 'json' });
  readonly log: string[] = [];
  registry!: RegistryAgent;
  client!: WampSession;
  readonly fakes = new Map<string, FakeDataAgent>();

  static async start(options: NetworkOptions = {}): Promise<Network> {
    const net = new Network();
    net.registry = new RegistryAgent({
      address: REGISTRY,
      addressRoot: 'observatory',
      clock: net.clock,
      hostname: 'localhost',
      pid: 4242,
      waitTime: options.waitTime ?? 30,
      log: (line) => net.log.push(line),
    });
    await net.registry.join(await net.router.connect(REALM));
    net.client = await net.router.connect(REALM, { authrole: 'iocs_controller' });
    await settle();
    return net;
  }

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

  /** Call `{addr}.ops` as OCSClient does: args [action, op, params], returns the reply triple. */
  async ops(address: string, args: Args, kwargs: Kwargs = {}): Promise<[number, string, Record<string, any>]> {
    const result = await this.settled(this.client.call(`${address}.ops`, args, kwargs));
    return result.args[0] as [number, string, Record<string, any>];
  }

  async management(address: string, q: string): Promise<any> {
    const result = await this.settled(this.client.call(address, [q]));
    return result.args[0];
  }

  /** Registry `main` session data, as `main.status()` shows it. */
  async table(): Promise<Record<string, any>> {
    const [, , session] = await this.ops(REGISTRY, ['status', 'main', {}]);
    return session.data as Record<string, any>;
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
