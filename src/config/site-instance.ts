// Finding the registry's instance in a host block: by --instance-id, else the
// only instance of agent class "RegistryAgent" (ocs/site_config.py get_config).

import { UsageError } from './errors.ts';
import type { SiteHost, SiteInstance } from './site-host.ts';

export const REGISTRY_AGENT_CLASS = 'RegistryAgent';

export function selectInstance(host: SiteHost, instanceId: string | null, path: string): SiteInstance {
  const where = `on host "${host.name}" in "${path}"`;
  if (instanceId !== null) {
    // Python takes the first with that id, whatever its class.
    const found = host.instances.find((i) => i.instanceId === instanceId);
    if (!found) throw new UsageError(`No instance "${instanceId}" ${where}`);
    return found;
  }
  const matches = host.instances.filter((i) => i.agentClass === REGISTRY_AGENT_CLASS);
  const [only] = matches;
  if (matches.length === 1 && only) return only;
  if (matches.length === 0) {
    throw new UsageError(`No instance of agent-class "${REGISTRY_AGENT_CLASS}" ${where}; pass --instance-id`);
  }
  const ids = matches.map((i) => JSON.stringify(i.instanceId)).join(', ');
  throw new UsageError(
    `${matches.length} instances of agent-class "${REGISTRY_AGENT_CLASS}" ${where} (${ids}); pass --instance-id to choose one`,
  );
}
