// The fast signal, where the router allows the WAMP meta API (OCS's own
// crossbar config forbids `wamp.*`; other sites allow it): when an agent's
// WAMP session leaves, `wamp.session.on_leave` says so at once, and the
// agent is made suspect (not expired: a leave is not a death, agents rejoin;
// its next heartbeat clears it). An agent's session is found from its
// management procedure `{address}` (wamp.registration.lookup, then
// list_callees) when it joins or restarts; a few lookups at a time.
// `attach` says whether the router gives this signal, and why not.

import type { Clock } from '../core/clock.ts';
import { WampError, type WampSession } from '../wamp/session.ts';

export interface FastSignalStatus {
  readonly available: boolean;
  /** What was tried, and what the router said. */
  readonly detail: string;
}

/** At most this many lookups in flight; more wait in a bounded queue. */
const IN_FLIGHT = 8;
const QUEUE_MAX = 200_000;

export class LeaveSignal {
  status: FastSignalStatus = { available: false, detail: 'not tried yet' };
  /** Leaves that made an agent suspect. */
  leaves = 0;
  readonly #suspect: (address: string, now: number) => void;
  readonly #clock: Clock;
  #session: WampSession | null = null;
  /** WAMP session id -> agent address, and back. */
  readonly #addressOf = new Map<number, string>();
  readonly #sessionOf = new Map<string, number>();
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  #inFlight = 0;
  #tried = false;

  constructor(suspect: (address: string, now: number) => void, clock: Clock) {
    this.#suspect = suspect;
    this.#clock = clock;
  }

  /** Try the meta API on a freshly joined session. */
  async attach(session: WampSession, ownAddress: string): Promise<FastSignalStatus> {
    this.#session = null;
    this.#addressOf.clear();
    this.#sessionOf.clear();
    try {
      await session.subscribe('wamp.session.on_leave', (args) => this.#left(args[0]));
      // The session of our own procedure must come back as ours: the lookups work.
      const own = await this.#calleeOf(session, ownAddress);
      if (own !== session.id) throw new Error(`wamp.registration.lookup of ${ownAddress} gave session ${own}, not ours (${session.id})`);
      this.#session = session;
      this.status = {
        available: true,
        detail: 'wamp.session.on_leave and wamp.registration.lookup allowed: a departed session makes its agent suspect at once',
      };
    } catch (err) {
      const why = err instanceof WampError ? err.error : err instanceof Error ? err.message : String(err);
      this.status = { available: false, detail: `the router refused the meta API (${why}): suspect from late heartbeats only` };
    }
    this.#tried = true;
    if (!this.status.available) {
      this.#queue.length = 0;
      this.#queued.clear();
    }
    this.#pump(); // agents heard while it was being tried
    return this.status;
  }

  /** Agents whose WAMP session is known. */
  get tracked(): number {
    return this.#addressOf.size;
  }

  /** An agent joined, restarted or revived: find its (new) session. */
  track(address: string): void {
    if ((this.#tried && !this.status.available) || this.#queued.has(address) || this.#queue.length >= QUEUE_MAX) return;
    this.#queued.add(address);
    this.#queue.push(address);
    this.#pump();
  }

  /** The agent was forgotten: its session is no longer watched. */
  untrack(address: string): void {
    const session = this.#sessionOf.get(address);
    if (session === undefined) return;
    this.#sessionOf.delete(address);
    this.#addressOf.delete(session);
  }

  #pump(): void {
    const session = this.#session;
    while (session !== null && session.isOpen && this.#inFlight < IN_FLIGHT && this.#queue.length > 0) {
      const address = this.#queue.shift() as string;
      this.#queued.delete(address);
      this.#inFlight++;
      this.#calleeOf(session, address)
        .then((id) => {
          if (id === null) return;
          const before = this.#sessionOf.get(address);
          if (before !== undefined) this.#addressOf.delete(before);
          this.#sessionOf.set(address, id);
          this.#addressOf.set(id, address);
        })
        .catch(() => {}) // gone meanwhile, or the router changed its mind: no fast signal for this one
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }

  async #calleeOf(session: WampSession, procedure: string): Promise<number | null> {
    const registration = (await session.call('wamp.registration.lookup', [procedure])).args[0];
    if (typeof registration !== 'number') return null;
    const callees = (await session.call('wamp.registration.list_callees', [registration])).args[0];
    return Array.isArray(callees) && typeof callees[0] === 'number' ? callees[0] : null;
  }

  #left(sessionId: unknown): void {
    if (typeof sessionId !== 'number') return;
    const address = this.#addressOf.get(sessionId);
    if (address === undefined) return;
    this.#addressOf.delete(sessionId);
    this.#sessionOf.delete(address);
    this.leaves++;
    this.#suspect(address, this.#clock.now());
  }
}
