// The program's side of the state file (issue 13): read it back before the
// first join, then keep it written. A file that cannot be used is one log
// line, set aside for a person to look at, and an empty start; never a crash.

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSavedState } from '../core/index.ts';
import type { RegistryAgent } from '../registry/registry-agent.ts';
import { StateKeeper } from '../registry/state-keeper.ts';
import type { Clock } from '../core/clock.ts';
import { readStateFile, setAside, writeFileAtomic } from '../runtime/state-file.ts';

/** A generous bound on a file this registry could have written: ~1 KB per agent plus room for long op lists. */
const BYTES_PER_AGENT = 4096;

/** Fill the registry from `path` if it holds a usable table; log what happened. */
export function restoreState(path: string, agent: RegistryAgent, log: (line: string) => void): void {
  const started = performance.now();
  const problem = restoreFrom(path, agent);
  if (problem === 'missing') {
    log(`No state file at ${path}: starting with an empty table.`);
  } else if (problem !== null) {
    const aside = setAside(path);
    log(`State file ${path} not used: ${problem}. ${aside ? `Kept as ${aside}; s` : 'S'}tarting with an empty table.`);
  } else {
    const registry = agent.registry;
    const ms = (performance.now() - started).toFixed(0);
    log(
      `Restored ${registry.size} agents from ${path} in ${ms} ms: ${registry.expiredCount} expired (counting the downtime), ` +
        `${registry.size - registry.expiredCount} alive with a full timeout to be heard.`,
    );
  }
}

/** null when restored; 'missing'; or why the file was refused. */
function restoreFrom(path: string, agent: RegistryAgent): string | null {
  const registry = agent.registry;
  const read = readStateFile(path, 1_000_000 + registry.maxAgents * BYTES_PER_AGENT);
  if (read.kind === 'missing') return 'missing';
  if (read.kind === 'refused') return read.problem;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch (err) {
    return `it is not JSON (${(err as Error).message.slice(0, 80)})`;
  }
  const state = readSavedState(parsed, { addressRoot: registry.addressRoot, maxAgents: registry.maxAgents, maxNameLength: 255 });
  if (typeof state === 'string') return state;
  const result = agent.restore(state);
  return result.ok ? null : result.problem;
}

/** Write the table to `path` every few seconds while it changes, and on stop. */
export function keepState(path: string, agent: RegistryAgent, clock: Clock, log: (line: string) => void): StateKeeper | null {
  if (!existsSync(dirname(path))) {
    log(`The state file's directory ${dirname(path)} does not exist: the table is not kept across restarts.`);
    return null;
  }
  const keeper = new StateKeeper({ registry: agent.registry, history: agent.history, clock, write: (pieces) => writeFileAtomic(path, pieces), log });
  keeper.start();
  return keeper;
}
