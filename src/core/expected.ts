// Expected versus observed: the agents a site config names (each host's
// agent-instances, read with `manage` as HostManager reads it) against the
// agents heard. An expected agent never heard is `missing`; an agent heard
// that no config names is `unexpected`. Without a site config nothing is
// expected, and nothing is missing or unexpected. Pure: the caller reads the
// file and hands the list over (again when it changes).

import type { ReadonlyAgent, RegistryView } from './view.ts';

/** `manage` as HostManager resolves it (ocs site_config InstanceConfig._MANAGE_MAP; read in src/config). */
export type Manage = 'host/up' | 'host/down' | 'docker/up' | 'docker/down' | 'ignore';

export interface ExpectedAgent {
  /** `{address_root}.{instance-id}`. */
  readonly address: string;
  readonly agentClass: string | null;
  /** The host block that names it. */
  readonly host: string;
  readonly manage: Manage;
  /** Should be running: HostManager brings it up (host/up, docker/up), or it is a HostManager itself. */
  readonly up: boolean;
}

export class ExpectedAgents {
  #byAddress = new Map<string, ExpectedAgent>();
  /** Where the list came from (a site config path), or null: nothing is expected. */
  #source: string | null = null;
  #loadedAt = Number.NaN;
  /** Addresses never judged missing (the registry itself: it does not hear its own heartbeat). */
  readonly #exempt: ReadonlySet<string>;

  constructor(exempt: readonly string[] = []) {
    this.#exempt = new Set(exempt);
  }

  /** Is there a site config at all? Without one nothing is missing or unexpected. */
  get configured(): boolean {
    return this.#source !== null;
  }

  get source(): string | null {
    return this.#source;
  }

  get loadedAt(): number {
    return this.#loadedAt;
  }

  get size(): number {
    return this.#byAddress.size;
  }

  /** Replace the list (a fresh read of the site config); `source` null: none. */
  set(agents: readonly ExpectedAgent[], source: string | null, now: number): void {
    this.#byAddress = new Map(agents.map((a) => [a.address, a]));
    this.#source = source;
    this.#loadedAt = now;
  }

  get(address: string): ExpectedAgent | undefined {
    return this.#byAddress.get(address);
  }

  all(): IterableIterator<ExpectedAgent> {
    return this.#byAddress.values();
  }

  /** Expected to run, never heard. */
  missing(registry: Pick<RegistryView, 'get'>): ExpectedAgent[] {
    const out: ExpectedAgent[] = [];
    for (const expected of this.#byAddress.values()) {
      if (expected.up && !this.#exempt.has(expected.address) && registry.get(expected.address) === undefined) out.push(expected);
    }
    return out;
  }

  /** Heard, but no host of the site config names it (none when there is no site config). */
  unexpected(registry: Pick<RegistryView, 'agents'>): ReadonlyAgent[] {
    if (!this.configured) return [];
    return registry.agents().filter((agent) => !this.#byAddress.has(agent.agent_address));
  }

  /** For one agent: true (named), false (not named), null (no site config). */
  isExpected(address: string): boolean | null {
    return this.configured ? this.#byAddress.has(address) : null;
  }
}
