// Who leads among registries at one address (issue 13, hot standby). Every
// registry started with --standby runs this; the one that leads answers
// `{addr}` and `{addr}.ops` and publishes, the others only listen.
//
// The leader publishes a beacon on `{addr}.leadership` every 100 ms and holds
// a 0.5 s lease, renewed only by hearing its own beacons back from the router
// (published with exclude_me false): a leader that is stopped, stalled or cut
// from the router loses its lease on its own and stops publishing before
// anyone takes over. A standby that hears no fresh leader beacon for 0.7 s
// becomes a candidate and says so; after 0.2 s as a candidate without a
// leader or a better candidate, and hearing its own candidate beacons back
// (so a registry cut off from the router never elects itself), it leads. Beacons carry the sender's clock: one
// older than the lease when it arrives (held in a stopped process's socket,
// or behind a healed link) counts for nothing. Ties are broken so that one
// side always yields: between leaders the one leading longer stays (the
// incumbent), between candidates the older process wins, then the smaller id.

import type { Clock } from '../core/clock.ts';

export type Role = 'standby' | 'candidate' | 'leader';

export interface Beacon {
  readonly role: 'leader' | 'candidate';
  /** Unique per registry process. */
  readonly id: string;
  /** When this process started (Unix seconds): older candidates win. */
  readonly started: number;
  /** Leader since (Unix seconds); for a candidate, since when it is one. */
  readonly since: number;
  /** When it was sent, on the sender's clock. */
  readonly at: number;
  readonly host: string;
  readonly pid: number;
}

export interface LeadershipTimings {
  /** After (re)joining, how long to listen before it may stand up: its table must be current first (the Registry Agent: the agent timeout + 1 s). */
  warmupMs: number;
  beaconMs: number;
  leaseMs: number;
  silenceMs: number;
  candidacyMs: number;
  tickMs: number;
}

export const DEFAULT_TIMINGS: LeadershipTimings = { warmupMs: 0, beaconMs: 100, leaseMs: 500, silenceMs: 700, candidacyMs: 200, tickMs: 25 };

export interface LeadershipOptions {
  clock: Clock;
  id: string;
  started: number;
  host: string;
  pid: number;
  timings?: Partial<LeadershipTimings>;
  /** Publish a beacon on the leadership topic (exclude_me false: the sender hears it too). */
  publish: (beacon: Beacon) => void;
  /** This process now leads: register the procedures (shared, invoke last) and publish. */
  onLead: () => void;
  /** This process no longer leads: unregister, stop publishing. */
  onStepDown: (why: string) => void;
  log?: (line: string) => void;
}

export class Leadership {
  readonly id: string;
  readonly timings: LeadershipTimings;
  role: Role = 'standby';
  /** When this process took its current role (Unix seconds). */
  since: number;
  /** Times this process became leader. */
  takeovers = 0;
  /** Times it stepped down (lost its lease, yielded to another leader, or left the router). */
  stepDowns = 0;
  /** The leader last heard (another process, or this one), for the API. */
  leaderId: string | null = null;
  readonly #o: LeadershipOptions;
  readonly #started: number;
  /** Last fresh beacon of a leader other than this one (sender's clock, Unix seconds). */
  #lastLeaderAt = Number.NEGATIVE_INFINITY;
  /** Own leader beacon last heard back (sent-at time): the lease. */
  #lastEchoAt = Number.NEGATIVE_INFINITY;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | null = null;
  /** A better candidate was heard during the current candidacy. */
  #outbid = false;
  /** Before this (Unix seconds) a standby may not stand up: it has just (re)joined and its table may be stale. */
  #eligibleAt = 0;

  constructor(options: LeadershipOptions) {
    this.#o = options;
    this.id = options.id;
    this.#started = options.started;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.since = options.clock.now();
  }

  /** True while this process leads with a fresh lease: the only time it may publish or answer. */
  get leading(): boolean {
    return this.role === 'leader' && this.#o.clock.now() - this.#lastEchoAt <= this.timings.leaseMs / 1000;
  }

  /** Start listening as a standby (joined, subscribed to the leadership topic). */
  start(): void {
    if (this.#cancel) return;
    const now = this.#o.clock.now();
    // A fresh start waits a full silence before standing up: a leader may be there.
    this.#lastLeaderAt = Math.max(this.#lastLeaderAt, now);
    this.#eligibleAt = now + this.timings.warmupMs / 1000;
    this.#setRole('standby', now);
    const tick = () => {
      this.#tick();
      this.#cancel = this.#o.clock.after(this.timings.tickMs, tick);
    };
    this.#cancel = this.#o.clock.after(this.timings.tickMs, tick);
  }

  /** The router link is gone (or the registry stops): no longer lead, stop the timer. */
  stop(why: string): void {
    this.#cancel?.();
    this.#cancel = null;
    if (this.role === 'leader') this.#stepDown(why);
    else this.#setRole('standby', this.#o.clock.now());
  }

  /** A message on the leadership topic (untrusted: anything else is ignored). */
  heard(message: unknown): void {
    const beacon = readBeacon(message);
    if (beacon === null) return;
    const now = this.#o.clock.now();
    if (beacon.id === this.id) {
      // Heard back through the router, sent in the current role: the link works (the lease).
      if (beacon.role === this.role && beacon.at >= this.since) this.#lastEchoAt = Math.max(this.#lastEchoAt, beacon.at);
      return;
    }
    // Held in a stopped process or behind a healed link: says nothing about now.
    if (now - beacon.at > this.timings.leaseMs / 1000) return;
    if (beacon.role === 'leader') {
      this.#lastLeaderAt = Math.max(this.#lastLeaderAt, now);
      this.leaderId = beacon.id;
      if (this.role === 'candidate') this.#setRole('standby', now);
      else if (this.role === 'leader' && !this.#winsAsLeader(beacon)) {
        this.#stepDown(`registry ${beacon.id} (${beacon.host} pid ${beacon.pid}) has led longer`);
      }
    } else if (this.role === 'candidate' && !this.#winsAsCandidate(beacon)) {
      this.#outbid = true;
    }
  }

  #tick(): void {
    const now = this.#o.clock.now();
    const t = this.timings;
    if (this.role === 'leader') {
      if (now - this.#lastEchoAt > t.leaseMs / 1000) {
        this.#stepDown(`its lease ran out (no beacon of its own heard back for ${(now - this.#lastEchoAt).toFixed(1)} s)`);
        this.#lastLeaderAt = now; // a full silence before standing up again
        return;
      }
      if (now - this.#lastSentAt >= t.beaconMs / 1000) this.#send('leader', now);
    } else if (this.role === 'candidate') {
      if (this.#outbid) {
        this.#lastLeaderAt = now;
        this.#setRole('standby', now);
      } else if (now - this.since >= t.candidacyMs / 1000 && now - this.#lastEchoAt <= t.leaseMs / 1000) {
        // Only a candidate that hears itself through the router may lead: one cut off would elect itself alone.
        this.#lead(now);
      } else if (now - this.#lastSentAt >= t.beaconMs / 1000) {
        this.#send('candidate', now);
      }
    } else if (now - this.#lastLeaderAt > t.silenceMs / 1000 && now >= this.#eligibleAt) {
      this.#outbid = false;
      this.#setRole('candidate', now);
      this.#send('candidate', now);
    }
  }

  #lead(now: number): void {
    this.#setRole('leader', now); // the lease runs on from the candidate's last beacon heard back
    this.leaderId = this.id;
    this.takeovers++;
    this.#o.log?.(`Leadership: this registry leads now (takeover ${this.takeovers}; no leader heard for ${(now - this.#lastLeaderAt).toFixed(2)} s).`);
    this.#send('leader', now);
    this.#o.onLead();
  }

  #stepDown(why: string): void {
    const now = this.#o.clock.now();
    this.stepDowns++;
    this.#setRole('standby', now);
    this.#o.log?.(`Leadership: this registry stands by now: ${why}.`);
    this.#o.onStepDown(why);
  }

  #setRole(role: Role, now: number): void {
    if (role !== this.role) this.since = now;
    this.role = role;
  }

  #send(role: 'leader' | 'candidate', now: number): void {
    this.#lastSentAt = now;
    const o = this.#o;
    o.publish({ role, id: this.id, started: this.#started, since: this.since, at: now, host: o.host, pid: o.pid });
  }

  /** Between two leaders the incumbent stays: the earlier `since`, then the smaller id. */
  #winsAsLeader(other: Beacon): boolean {
    return this.since < other.since || (this.since === other.since && this.id < other.id);
  }

  /** Between candidates the older process wins, then the smaller id. */
  #winsAsCandidate(other: Beacon): boolean {
    return this.#started < other.started || (this.#started === other.started && this.id < other.id);
  }
}

/** The beacon in an event's args, or null if it is not one. */
export function readBeacon(args: unknown): Beacon | null {
  const b = Array.isArray(args) ? args[0] : undefined;
  if (typeof b !== 'object' || b === null) return null;
  const v = b as Record<string, unknown>;
  if (v.role !== 'leader' && v.role !== 'candidate') return null;
  if (typeof v.id !== 'string' || v.id.length > 200 || typeof v.host !== 'string' || v.host.length > 255) return null;
  for (const key of ['started', 'since', 'at', 'pid'] as const) if (typeof v[key] !== 'number' || !Number.isFinite(v[key])) return null;
  return v as unknown as Beacon;
}
