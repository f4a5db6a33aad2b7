// Expected versus observed, as the API shows it: GET /api/expected, and the
// `expected` field of one agent's view.

import type { ExpectedAgent, ExpectedAgents } from '../core/expected.ts';
import type { RegistryView } from '../core/index.ts';

export interface ExpectedEntry {
  address: string;
  agent_class: string | null;
  host: string;
  manage: string;
  up: boolean;
}

function entry(a: ExpectedAgent): ExpectedEntry {
  return { address: a.address, agent_class: a.agentClass, host: a.host, manage: a.manage, up: a.up };
}

/** What the site config says of one agent: its entry, false if it names none, null without a site config. */
export function expectedView(expected: ExpectedAgents | undefined, address: string): ExpectedEntry | false | null {
  if (expected === undefined || !expected.configured) return null;
  const found = expected.get(address);
  return found === undefined ? false : entry(found);
}

export function expectedReport(expected: ExpectedAgents | undefined, registry: RegistryView, now: number) {
  if (expected === undefined || !expected.configured) {
    return { configured: false, source: null, loaded_at: null, time: now, expected: 0, missing: [], unexpected: [] };
  }
  return {
    configured: true,
    source: expected.source,
    loaded_at: expected.loadedAt,
    time: now,
    expected: expected.size,
    missing: expected.missing(registry).map(entry),
    unexpected: expected.unexpected(registry).map((a) => ({ address: a.agent_address, agent_class: a.agent_class, expired: a.expired })),
  };
}
