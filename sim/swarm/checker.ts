// Holds a registry's view against what the swarm did. The view comes the way
// any OCS client gets it: the registry's `agent_operations` feed and polls of
// `{registry}.ops status main` (session.data). Three promises are checked:
//   * every agent silent for longer than timeout + tolerance is reported
//     expired, no later than timeout + tolerance after its last heartbeat;
//   * no agent is reported expired unless it has been silent for the whole
//     timeout (allowing the registry's view to be `staleness` seconds old);
//   * every op-code change a heartbeat carried shows up on the feed within
//     `tolerance` seconds.
import type { Clock } from '../../src/core/clock.ts';
import { operationFieldName } from '../../src/core/field-name.ts';
import type { Args, Subscription, WampSession } from '../../src/wamp/session.ts';
import { LatencyHistogram } from './histogram.ts';
import type { GroundTruth, Silence } from './truth.ts';

/** What the checker needs from a swarm. */
export interface CheckedSwarm {
  readonly truth: GroundTruth;
  readonly size: number;
  indexOfAddress(address: string): number | undefined;
  address(member: number): string;
  opNamesOf(member: number): readonly string[];
}

export type MismatchKind = 'missed-expiry' | 'late-expiry' | 'false-expiry' | 'op-change-not-seen';

export interface Mismatch {
  kind: MismatchKind;
  address: string;
  /** Clock time the mismatch was found. */
  at: number;
  detail: string;
}

export interface CheckerOptions {
  clock: Clock;
  /** The registry's address, e.g. `observatory.registry`. */
  registry: string;
  timeout: number;
  tolerance: number;
  staleness: number;
  /** Seconds between polls of `main`; 0 disables polling (feed only). */
  poll: number;
  /** Mismatches kept in full (all are counted). */
  keep?: number;
}

export interface CheckerStats {
  polls: number;
  pollErrors: number;
  feedMessages: number;
  /** Silences the registry reported as expired. */
  expiriesSeen: number;
  opChangesSeen: number;
  mismatches: number;
}

/** Float slack for comparing clock times taken in different places. */
const EPSILON = 0.001;

export class Checker {
  readonly stats: CheckerStats = { polls: 0, pollErrors: 0, feedMessages: 0, expiriesSeen: 0, opChangesSeen: 0, mismatches: 0 };
  readonly mismatches: Mismatch[] = [];
  /** The registry's lag: heartbeat carrying an op change -> the change on agent_operations (µs). */
  readonly opChangeLag = new LatencyHistogram();
  /** How long after its timeout a silent agent was first reported expired (µs; 0 when on time or early). */
  readonly expiryLag = new LatencyHistogram();
  readonly #swarm: CheckedSwarm;
  readonly #options: CheckerOptions;
  readonly #keep: number;
  /** agent_operations field of each member's first op -> member (the feed's EXPIRED codes name agents by field). */
  readonly #firstField = new Map<string, number>();
  #mapped = 0;
  /** Members the registry currently shows expired -> the silence that justifies it (null: already reported as false). */
  readonly #reported = new Map<number, Silence | null>();
  readonly #decided = new WeakSet<Silence>();
  #session: WampSession | null = null;
  #subscription: Subscription | null = null;
  #cancelPoll: (() => void) | null = null;
  #polling = false;

  constructor(swarm: CheckedSwarm, options: CheckerOptions) {
    this.#swarm = swarm;
    this.#options = options;
    this.#keep = options.keep ?? 1000;
    swarm.truth.trackOpChanges = true;
  }

  /** Agents the registry currently reports expired (of the swarm's). */
  get reportedExpired(): number {
    return this.#reported.size;
  }

  /** Subscribe to the feed and start polling through `session`. */
  async attach(session: WampSession): Promise<void> {
    this.#session = session;
    this.#subscription = await session.subscribe(
      `${this.#options.registry}.feeds.agent_operations`,
      (args) => this.observeFeed(args, this.#options.clock.now()),
    );
    if (this.#options.poll > 0) this.#schedulePoll();
  }

  async detach(): Promise<void> {
    this.#cancelPoll?.();
    this.#cancelPoll = null;
    const subscription = this.#subscription;
    this.#subscription = null;
    if (subscription && this.#session?.isOpen) await subscription.unsubscribe().catch(() => {});
  }

  /** Poll `main` once now; resolves when the reply has been checked. */
  async poll(): Promise<void> {
    const session = this.#session;
    if (session === null || !session.isOpen || this.#polling) return;
    this.#polling = true;
    try {
      const result = await session.call(`${this.#options.registry}.ops`, ['status', 'main', {}]);
      const reply = result.args[0] as [number, string, { data?: Record<string, { expired?: unknown }> }];
      this.stats.polls++;
      this.observeTable(reply?.[2]?.data ?? {}, this.#options.clock.now());
    } catch {
      this.stats.pollErrors++;
    } finally {
      this.#polling = false;
    }
    this.check(this.#options.clock.now());
  }

  /** One `main` session.data table seen at `t`. */
  observeTable(data: Readonly<Record<string, { expired?: unknown } | undefined>>, t: number): void {
    for (const address in data) {
      const member = this.#swarm.indexOfAddress(address);
      if (member === undefined) continue;
      if (data[address]?.expired === true) this.#expired(member, t);
      else this.#reported.delete(member);
    }
  }

  /** One agent_operations event (its positional args) seen at `t`. */
  observeFeed(args: Args, t: number): void {
    this.stats.feedMessages++;
    const blocks = (args[0] as [Record<string, { data?: Record<string, unknown[]> }>] | undefined)?.[0];
    if (typeof blocks !== 'object' || blocks === null) return;
    this.#mapFirstFields();
    for (const field in blocks) {
      const values = blocks[field]?.data?.[field];
      const code = Array.isArray(values) ? values[values.length - 1] : undefined;
      if (typeof code !== 'number') continue;
      this.#opCodeSeen(field, code, t);
      const member = this.#firstField.get(field);
      if (member === undefined) continue;
      if (code === 7) this.#expired(member, t);
      else this.#reported.delete(member);
    }
  }

  /** Decide what can be decided at `now`; returns the mismatches found by this call. */
  check(now: number): Mismatch[] {
    const found: Mismatch[] = [];
    const { timeout, tolerance } = this.#options;
    for (const s of this.#swarm.truth.allSilences()) {
      if (this.#decided.has(s)) continue;
      const due = s.start + timeout + tolerance;
      if (s.seenExpiredAt !== null) {
        this.#decided.add(s);
        if (s.seenExpiredAt > due + EPSILON) {
          found.push(
            this.#mismatch(
              'late-expiry',
              s.member,
              now,
              `reported expired ${(s.seenExpiredAt - s.start).toFixed(2)} s after its last heartbeat (${s.kind}); allowed ${timeout + tolerance} s`,
            ),
          );
        }
        continue;
      }
      if (now < due) continue;
      this.#decided.add(s);
      // A silence that ended before the deadline need not have been reported.
      if (s.end !== null && s.end < due) continue;
      found.push(
        this.#mismatch(
          'missed-expiry',
          s.member,
          now,
          `not reported expired within ${timeout + tolerance} s of its last heartbeat (${s.kind} at ${s.start.toFixed(3)})`,
        ),
      );
    }
    const pending = this.#swarm.truth.pendingOpChanges;
    for (const [field, list] of pending) {
      const late = list.filter((c) => c.sentAt + tolerance < now);
      if (late.length === 0) continue;
      for (const c of late) {
        found.push(
          this.#mismatch(
            'op-change-not-seen',
            c.member,
            now,
            `op "${c.opName}" changed to ${c.code} in the heartbeat at ${c.sentAt.toFixed(3)}, not on agent_operations within ${tolerance} s`,
          ),
        );
      }
      const rest = list.filter((c) => c.sentAt + tolerance >= now);
      if (rest.length === 0) pending.delete(field);
      else pending.set(field, rest);
    }
    return found;
  }

  /** Check everything still open at the end of a run. */
  finish(now: number): Mismatch[] {
    return this.check(now);
  }

  #schedulePoll(): void {
    this.#cancelPoll = this.#options.clock.after(this.#options.poll * 1000, () => {
      this.#schedulePoll();
      void this.poll();
    });
  }

  #expired(member: number, t: number): void {
    const { timeout, staleness } = this.#options;
    if (this.#reported.has(member)) {
      const s = this.#reported.get(member);
      // Still justified while the silence lasts, and for `staleness` after it ended.
      if (s === null || s === undefined || s.end === null || s.end + staleness + EPSILON >= t) return;
      this.#reported.set(member, null);
      this.#mismatch('false-expiry', member, t, `still reported expired ${(t - s.end).toFixed(2)} s after its heartbeats resumed`);
      return;
    }
    const s = this.#covering(member, t - timeout + EPSILON, t - staleness - EPSILON);
    this.#reported.set(member, s ?? null);
    if (s) {
      if (s.seenExpiredAt === null) {
        s.seenExpiredAt = t;
        this.stats.expiriesSeen++;
        this.expiryLag.record((t - s.start - timeout) * 1e6);
      }
      return;
    }
    const last = this.#swarm.truth.lastBeat[member];
    this.#mismatch(
      'false-expiry',
      member,
      t,
      `reported expired at ${t.toFixed(3)} while heartbeating (last heartbeat sent at ${last?.toFixed(3)}, timeout ${timeout} s)`,
    );
  }

  /** The silence of `member` that began by `from` and lasted until at least `until`. */
  #covering(member: number, from: number, until: number): Silence | undefined {
    const list = this.#swarm.truth.silences.get(member);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.start <= from && (s.end === null || s.end >= until)) return s;
    }
    return undefined;
  }

  #opCodeSeen(field: string, code: number, t: number): void {
    const pending = this.#swarm.truth.pendingOpChanges;
    const list = pending.get(field);
    if (list === undefined) return;
    const rest = list.filter((c) => {
      if (c.code !== code || c.sentAt > t + EPSILON) return true;
      this.opChangeLag.record((t - c.sentAt) * 1e6);
      return false;
    });
    this.stats.opChangesSeen += list.length - rest.length;
    if (rest.length === 0) pending.delete(field);
    else if (rest.length !== list.length) pending.set(field, rest);
  }

  #mapFirstFields(): void {
    const swarm = this.#swarm;
    for (; this.#mapped < swarm.size; this.#mapped++) {
      const first = swarm.opNamesOf(this.#mapped)[0];
      if (first === undefined) continue;
      const field = operationFieldName(swarm.address(this.#mapped), first);
      if (field !== null) this.#firstField.set(field, this.#mapped);
    }
  }

  #mismatch(kind: MismatchKind, member: number, at: number, detail: string): Mismatch {
    const m: Mismatch = { kind, address: this.#swarm.address(member), at, detail };
    this.stats.mismatches++;
    if (this.mismatches.length < this.#keep) this.mismatches.push(m);
    return m;
  }
}
