// What a swarm run prints: a live progress line, a closing summary in the
// style of `nats bench` (rates min/avg/max, latency percentiles, delivery),
// and one JSON record with the same figures for scripts and RESULTS.md.
import type { CheckerStats, Mismatch } from './checker.ts';
import type { LatencySummary } from './histogram.ts';
import type { RouterLoss } from './router-watch.ts';
import type { Scenario } from './scenario.ts';
import type { SwarmStats } from './swarm.ts';

/** Per-second rate samples of a growing counter. */
export class RateSampler {
  readonly samples: number[] = [];
  #last: number;
  #lastAt: number;

  constructor(value: number, at: number) {
    this.#last = value;
    this.#lastAt = at;
  }

  /** Take a sample; returns the rate since the previous one (per second). */
  sample(value: number, at: number): number {
    const dt = at - this.#lastAt;
    const rate = dt > 0 ? (value - this.#last) / dt : 0;
    if (dt > 0) this.samples.push(rate);
    this.#last = value;
    this.#lastAt = at;
    return rate;
  }

  summary(): RateSummary {
    const xs = this.samples;
    if (xs.length === 0) return { min: 0, avg: 0, max: 0, stddev: 0 };
    const avg = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - avg) ** 2, 0) / xs.length;
    return { min: Math.min(...xs), avg, max: Math.max(...xs), stddev: Math.sqrt(variance) };
  }
}

export interface RateSummary {
  min: number;
  avg: number;
  max: number;
  stddev: number;
}

export interface Progress {
  elapsed: number;
  up: number;
  agents: number;
  /** Agents the registry shows expired, or null with no checker. */
  expired: number | null;
  heartbeatsPerSecond: number;
  sent: number;
  /** Null when nothing measures delivery. */
  delivered: number | null;
  errors: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(3)}%` : 'n/a');
const ms = (us: number) => (Number.isNaN(us) ? 'n/a' : us < 1000 ? `${(us / 1000).toFixed(3)} ms` : `${(us / 1000).toFixed(1)} ms`);

/** One line, rewritten in place on a terminal. */
export function progressLine(p: Progress): string {
  const expired = p.expired === null ? '' : `, ${int(p.expired)} expired`;
  const delivered = p.delivered === null ? '' : ` | delivered ${pct(p.delivered, p.sent)}`;
  return `[${p.elapsed.toFixed(0).padStart(4)} s] agents ${int(p.up)}/${int(p.agents)} up${expired}` +
    ` | ${int(p.heartbeatsPerSecond)} heartbeats/s${delivered} | errors ${int(p.errors)}`;
}

export interface RunRecord {
  bench: 'swarm';
  runtime: string;
  date: string;
  mode: string;
  scenario: Scenario;
  seconds: number;
  swarm: SwarmStats;
  heartbeatRate: RateSummary;
  delivery: { sent: number; delivered: number | null; percent: number | null; lagged: number; measuredAt: string };
  latency: LatencySummary & { unit: 'us'; measuredAt: string };
  checker: (CheckerStats & { registry: string; pass: boolean }) | null;
  /** The checked registry's lag: op change heartbeat -> agent_operations, and expiry seen after the timeout. */
  registryLag: { opChange: LatencySummary; expiryAfterTimeout: LatencySummary; unit: 'us' } | null;
  mismatches: Mismatch[];
  /** Share of one core, or null when the runtime could not say (see `unavailable`). */
  cpuShare: number | null;
  rssBytes: number | null;
  /** Readings that failed, with why. */
  unavailable: string[];
  /** The soft open-files limit of this process (each WebSocket is one), null if unknown. */
  openFilesLimit: number | null;
  routerLost: RouterLoss | null;
  verdict: Verdict;
}

/** The run's verdict: pass only when checked, matched, nothing lost and every agent joined. */
export interface Verdict {
  pass: boolean;
  /** Whether a checker judged the registry at all. */
  checked: boolean;
  /** Why it did not pass (empty on a pass). */
  reasons: string[];
}

/** A run that could not even start (no router, bad registry): still a record, with why. */
export interface SetupFailureRecord {
  bench: 'swarm';
  runtime: string;
  date: string;
  mode: string;
  scenario: Scenario;
  verdict: Verdict;
}

export function verdictOf(r: Pick<RunRecord, 'checker' | 'routerLost' | 'swarm'>, error: string | null): Verdict {
  const reasons: string[] = [];
  if (r.checker && !r.checker.pass) reasons.push(`${r.checker.mismatches} mismatches between the registry and the swarm`);
  if (r.routerLost) reasons.push(`router lost at ${r.routerLost.at.toFixed(1)} s (${r.routerLost.reason})`);
  if (r.swarm.waitingToJoin > 0) reasons.push(`${r.swarm.waitingToJoin} agents never joined (${r.swarm.connectErrors} connection errors)`);
  if (error !== null) reasons.push(`the run failed while ending: ${error}`);
  return { pass: reasons.length === 0, checked: r.checker !== null, reasons };
}

/** The closing summary, one figure per line. */
export function summaryLines(r: RunRecord): string[] {
  const s = r.swarm;
  const rate = r.heartbeatRate;
  const lines = [
    `Swarm: ${int(s.heartbeatsSent)} heartbeats in ${r.seconds.toFixed(1)} s from ${int(r.scenario.agents)} agents at ${r.scenario.rate} Hz` +
    ` (seed ${r.scenario.seed}, ${r.mode}, ${r.runtime})`,
    `  Heartbeats sent:  ${int(rate.avg)} msgs/sec | min ${int(rate.min)} | avg ${int(rate.avg)} | max ${int(rate.max)} | stddev ${int(rate.stddev)}`,
  ];
  const d = r.delivery;
  lines.push(
    d.delivered === null
      ? '  Delivered:        not measured'
      : `  Delivered:        ${int(d.delivered)} / ${int(d.sent)} (${pct(d.delivered, d.sent)}), ${int(d.lagged)} behind by a beat (${d.measuredAt})`,
  );
  const l = r.latency;
  lines.push(
    l.count === 0
      ? '  Latency:          not measured'
      : `  Latency:          p50 ${ms(l.p50)} | p90 ${ms(l.p90)} | p99 ${ms(l.p99)} | p99.9 ${ms(l.p999)} | max ${ms(l.max)} (${
        int(l.count)
      } timed, ${l.measuredAt})`,
  );
  lines.push(
    `  Agents:           ${int(s.agents)} addresses, ${int(s.up)} up; ${int(s.crashes)} crashes, ${int(s.restarts)} restarts,` +
      ` ${int(s.hbOffWindows)} heartbeat-off, ${int(s.partitions)} partitions, ${int(s.churned)} churned`,
  );
  lines.push(
    `  Connections:      ${int(s.connectErrors)} errors, ${int(s.connectRetries)} retries, ${int(s.connectionsLost)} lost,` +
      ` ${int(s.waitingToJoin)} never joined` + (r.openFilesLimit === null ? '' : ` (open-files limit ${int(r.openFilesLimit)})`),
  );
  lines.push(
    `  Operations:       starts ${int(s.starts)} | finishes ${int(s.finishes)} | fails ${int(s.fails)} | degrades ${int(s.degrades)}` +
      (s.dataPublishes > 0 ? ` | data samples ${int(s.dataPublishes)}` : ''),
  );
  const c = r.checker;
  if (c) {
    lines.push(
      `  Registry check:   ${c.pass ? 'PASS' : 'FAIL'} (${c.registry}): ${int(c.expiriesSeen)} expiries seen,` +
        ` ${int(c.opChangesSeen)} op changes seen, ${int(c.mismatches)} mismatches (${int(c.polls)} polls, ${int(c.pollErrors)} failed)`,
    );
    const lag = r.registryLag;
    if (lag && lag.opChange.count + lag.expiryAfterTimeout.count > 0) {
      const o = lag.opChange;
      const e = lag.expiryAfterTimeout;
      lines.push(
        `  Registry lag:     op changes p50 ${ms(o.p50)} | p99 ${ms(o.p99)} | max ${ms(o.max)} (${int(o.count)});` +
          ` expiries after the timeout p50 ${ms(e.p50)} | max ${ms(e.max)} (${int(e.count)})`,
      );
    }
  } else {
    lines.push('  Registry check:   off (no --registry)');
  }
  const cpu = r.cpuShare === null ? 'unavailable' : `${(r.cpuShare * 100).toFixed(1)}% of a core`;
  const rss = r.rssBytes === null ? 'unavailable' : `${(r.rssBytes / 2 ** 20).toFixed(0)} MiB`;
  const why = r.unavailable.length > 0 ? ` (${r.unavailable.join('; ')})` : '';
  lines.push(`  Process:          CPU ${cpu}, RSS ${rss}${why}`);
  if (r.routerLost) lines.push(`  Router:           LOST at ${r.routerLost.at.toFixed(1)} s: ${r.routerLost.reason}`);
  lines.push(verdictLine(r.verdict));
  return lines;
}

export function verdictLine(v: Verdict): string {
  const what = v.pass ? (v.checked ? 'PASS' : 'PASS (nothing checked the registry)') : 'FAIL';
  return `  Verdict:          ${what}${v.reasons.length > 0 ? `: ${v.reasons.join('; ')}` : ''}`;
}

/** One line per mismatch, for stderr. */
export function mismatchLines(mismatches: readonly Mismatch[], total: number): string[] {
  const lines = mismatches.map((m) => `MISMATCH ${m.kind} ${m.address} at ${m.at.toFixed(3)}: ${m.detail}`);
  if (total > mismatches.length) lines.push(`... and ${int(total - mismatches.length)} more mismatches`);
  return lines;
}
