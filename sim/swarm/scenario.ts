// What a swarm run does: how many agents, how they beat, and which faults
// happen how often. Every rate is per minute across the whole swarm, so a
// scenario reads the same at 100 and at 100k agents ("3 crashes a minute").

import { UsageError } from '../../src/config/errors.ts';

export interface Scenario {
  /** Agents at the start (churn adds new addresses on top). */
  agents: number;
  /** OCS address root: addresses are `{root}.{name}`. */
  root: string;
  /** Instance-id pattern; `{i}` becomes the zero-padded agent number. */
  name: string;
  /** Heartbeats per second per agent (Python OCS: 1). */
  rate: number;
  /** Each interval is period × (1 ± jitter), drawn per beat; 0 is a fixed rate. */
  jitter: number;
  /** Ops per agent: 'realistic' (median 4, p90 15, max 42) or a fixed count. */
  ops: 'realistic' | number;
  startsPerMin: number;
  finishesPerMin: number;
  failsPerMin: number;
  /** Toggles of `degraded` on a running op (RUNNING <-> DEGRADED). */
  degradesPerMin: number;
  /** Silent stops: no goodbye, no more heartbeats. */
  crashPerMin: number;
  /** Seconds until a crashed agent comes back as a new process (new session_id); null: never. */
  restartAfter: number | null;
  /** Windows in which an agent stays connected but sends no heartbeat (set_heartbeat False). */
  hbOffPerMin: number;
  hbOffSeconds: number;
  /** Cuts of a group of agents from the router; they come back with the same session_id. */
  partitionsPerMin: number;
  /** Share of the agents in each partition, 0..1. */
  partitionSize: number;
  partitionSeconds: number;
  /** Agents that leave for good (clean goodbye) while a new address joins. */
  churnPerMin: number;
  /** Share of agents with a FakeData-like recorded data feed, 0..1 (off by default: cheap at 100k). */
  dataFeed: number;
  seed: number;
  /** Seconds to run; 0 runs until interrupted. */
  duration: number;
  /** The registry's agent timeout the checker holds it to (Python: 5 s). */
  timeout: number;
  /** Seconds beyond the timeout within which an expiry must be seen. */
  tolerance: number;
  /** Seconds the registry's view may lag (Python refreshes session.data once a second). */
  staleness: number;
  /** Seconds between polls of the registry's `main` session data. */
  poll: number;
  /** Agents connecting at once during start-up. */
  connectConcurrency: number;
}

export const DEFAULT_SCENARIO: Readonly<Scenario> = Object.freeze({
  agents: 1000,
  root: 'observatory',
  name: 'swarm-{i}',
  rate: 1,
  jitter: 0.05,
  ops: 'realistic',
  startsPerMin: 60,
  finishesPerMin: 40,
  failsPerMin: 10,
  degradesPerMin: 10,
  crashPerMin: 6,
  restartAfter: 20,
  hbOffPerMin: 2,
  hbOffSeconds: 10,
  partitionsPerMin: 0,
  partitionSize: 0.01,
  partitionSeconds: 10,
  churnPerMin: 0,
  dataFeed: 0,
  seed: 1,
  duration: 60,
  timeout: 5,
  tolerance: 3,
  staleness: 1.5,
  poll: 1,
  connectConcurrency: 64,
});

type Rule = { min?: number; max?: number; integer?: boolean; positive?: boolean };

const NUMBER_RULES: Partial<Record<keyof Scenario, Rule>> = {
  agents: { min: 0, integer: true },
  rate: { positive: true },
  jitter: { min: 0, max: 0.9 },
  startsPerMin: { min: 0 },
  finishesPerMin: { min: 0 },
  failsPerMin: { min: 0 },
  degradesPerMin: { min: 0 },
  crashPerMin: { min: 0 },
  hbOffPerMin: { min: 0 },
  hbOffSeconds: { positive: true },
  partitionsPerMin: { min: 0 },
  partitionSize: { min: 0, max: 1 },
  partitionSeconds: { positive: true },
  churnPerMin: { min: 0 },
  dataFeed: { min: 0, max: 1 },
  seed: { integer: true },
  duration: { min: 0 },
  timeout: { positive: true },
  tolerance: { min: 0 },
  staleness: { min: 0 },
  poll: { positive: true },
  connectConcurrency: { min: 1, integer: true },
};

/** Check every value; throws UsageError for the first bad one. */
export function validateScenario(s: Scenario): Scenario {
  for (const [key, rule] of Object.entries(NUMBER_RULES) as [keyof Scenario, Rule][]) {
    const value = s[key];
    const bad = (why: string) => new UsageError(`Scenario "${key}" ${why}, got ${JSON.stringify(value)}.`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('must be a number');
    if (rule.integer && !Number.isInteger(value)) throw bad('must be a whole number');
    if (rule.positive && !(value > 0)) throw bad('must be greater than 0');
    if (rule.min !== undefined && value < rule.min) throw bad(`must be at least ${rule.min}`);
    if (rule.max !== undefined && value > rule.max) throw bad(`must be at most ${rule.max}`);
  }
  if (s.ops !== 'realistic' && !(Number.isInteger(s.ops) && s.ops >= 0 && s.ops <= 1000)) {
    throw new UsageError(`Scenario "ops" must be "realistic" or a whole number from 0 to 1000, got ${JSON.stringify(s.ops)}.`);
  }
  if (s.restartAfter !== null && !(typeof s.restartAfter === 'number' && s.restartAfter >= 0)) {
    throw new UsageError(`Scenario "restartAfter" must be a number of seconds >= 0 or "never", got ${JSON.stringify(s.restartAfter)}.`);
  }
  if (!/^[A-Za-z0-9_]+$/.test(s.root)) throw new UsageError(`Scenario "root" must be letters, digits or _, got ${JSON.stringify(s.root)}.`);
  if (!s.name.includes('{i}') || !/^[A-Za-z0-9_{}-]+$/.test(s.name)) {
    throw new UsageError(`Scenario "name" must contain {i} and only letters, digits, - or _, got ${JSON.stringify(s.name)}.`);
  }
  return s;
}

/** Seconds between beats. */
export function periodSeconds(s: Scenario): number {
  return 1 / s.rate;
}
