// The liveness options beyond Python's: per-class timeouts, the suspect
// threshold, the flapping rule, forgetting long-expired agents and how often the site config is re-read for
// the agents it expects.

import { UsageError } from './errors.ts';

export interface LivenessOptions {
  /** Timeouts of some agent classes (`--agent-timeout-class AggregatorAgent=30`). */
  readonly classTimeouts: Readonly<Record<string, number>>;
  /** Intervals late before an agent is suspect. */
  readonly suspectAfter: number;
  /** More than `limit` revivals or restarts within `window` seconds is flapping. */
  readonly flapping: Readonly<{ limit: number; window: number }>;
  /** Seconds an agent stays expired before it is forgotten (`--forget-after`); null: never, as Python. */
  readonly forgetAfter: number | null;
  /** Seconds between re-reads of the site config's expected agents; 0: only on SIGHUP. */
  readonly siteRereadSeconds: number;
}

export const LIVENESS_DEFAULTS = { suspectAfter: 2, flapLimit: 3, flapWindow: 600, siteRereadSeconds: 60 } as const;

/** "AggregatorAgent=30,HWPBBBAgent=12.5" -> {AggregatorAgent: 30, HWPBBBAgent: 12.5}. */
export function parseClassTimeouts(text: string | null): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  if (text === null) return Object.freeze(out);
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = item.slice(0, eq).trim();
    const seconds = Number(item.slice(eq + 1).trim());
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      throw new UsageError(`Invalid value for "--agent-timeout-class": ${JSON.stringify(item)} is not CLASS=SECONDS`);
    }
    if (!(Number.isFinite(seconds) && seconds > 0) || item.slice(eq + 1).trim() === '') {
      throw new UsageError(`Invalid value for "--agent-timeout-class": the timeout of ${JSON.stringify(name)} must be a positive number of seconds`);
    }
    out[name] = seconds;
  }
  return Object.freeze(out);
}
