// Fault hooks: the network between the router and its sessions misbehaving
// on purpose. Messages to sessions can be dropped or delayed by rules; a
// session's link can be paused (traffic held both ways, released in order)
// or partitioned (traffic dropped both ways, the session stays open).
//
// Off costs one boolean: RouterSession checks `core.faultsOn` and only then
// calls in here; `faultsOn` is true exactly while some rule or link fault is
// in place.

import type { Clock } from '../../src/core/clock.ts';
import { Fifo } from './fifo.ts';
import type { RouterSession } from './router-session.ts';
import { seededRandom } from './seeded-random.ts';

export interface FaultScope {
  /** Only sessions joined to this realm. */
  realm?: string;
  /** Only messages this accepts: the receiving session's id and the WAMP message. */
  filter?: (sessionId: number, message: readonly unknown[]) => boolean;
  /** Seeds the choice of messages: the same seed over the same traffic picks the same ones. Default Math.random. */
  seed?: number;
}

export interface DelayOptions extends FaultScope {
  /** Share of the matching messages to delay (default 1: all). */
  fraction?: number;
}

/** A rule in force; `stop()` lifts it (messages already delayed still arrive when due). */
export interface FaultHandle {
  stop(): void;
}

interface Rule {
  readonly fraction: number;
  readonly realm: string | undefined;
  readonly filter: FaultScope['filter'];
  readonly random: () => number;
  /** Delay rules only: how long, and the messages delayed at the same clock reading, which share one timer. */
  readonly ms: number;
  batch: DelayBatch | null;
}

interface DelayBatch {
  readonly at: number;
  readonly items: Array<{ session: RouterSession; link: Link; entry: Delayed }>;
}

/** A message on its way to a session behind a delay; `ready` once its time has come. */
interface Delayed {
  readonly message: unknown[];
  ready: boolean;
}

/** Fault state of one session's link; dropped once nothing is left in it. */
interface Link {
  paused: boolean;
  /** Partitions covering this session (they may overlap). */
  partitions: number;
  /** While paused: router -> client, and client -> router. */
  readonly heldOut: Fifo<unknown[]>;
  readonly heldIn: Fifo<unknown[]>;
  /** Router -> client in order; a message behind a delayed one waits for it, as on one TCP stream. */
  readonly delayed: Fifo<Delayed>;
}

export class RouterFaults {
  /** Messages dropped by drop rules or partitions. */
  dropped = 0;
  /** Messages delayed by delay rules. */
  delayed = 0;
  /** Messages held by a pause (counted when held). */
  held = 0;
  readonly #clock: Clock;
  readonly #setOn: (on: boolean) => void;
  #on = false;
  readonly #drops: Rule[] = [];
  readonly #delays: Rule[] = [];
  readonly #links = new Map<RouterSession, Link>();
  readonly #partitionTimers = new Set<() => void>();

  /** `setOn` flips the hot path's one boolean (RouterCore.faultsOn). */
  constructor(clock: Clock, setOn: (on: boolean) => void) {
    this.#clock = clock;
    this.#setOn = setOn;
  }

  /** Drop `fraction` (0..1) of the messages delivered to sessions in scope. */
  drop(fraction: number, scope: FaultScope = {}): FaultHandle {
    return this.#add(this.#drops, rule(fraction, 0, scope));
  }

  /** Delay `fraction` (default all) of the messages delivered to sessions in scope by `ms`, on the router's clock. */
  delay(ms: number, options: DelayOptions = {}): FaultHandle {
    if (!(ms >= 0)) throw new RangeError(`A delay must be 0 ms or more, got ${ms}.`);
    return this.#add(this.#delays, rule(options.fraction ?? 1, ms, options));
  }

  /** Lift every rule, heal every partition and resume every paused session. */
  clear(): void {
    this.#drops.length = 0;
    this.#delays.length = 0;
    for (const cancel of this.#partitionTimers) cancel();
    this.#partitionTimers.clear();
    for (const [session, link] of [...this.#links]) {
      link.partitions = 0;
      if (link.paused) this.resume(session);
      else this.#tidy(session, link);
    }
    this.#update();
  }

  /** Some rule or link fault is in force. */
  get active(): boolean {
    return this.#on;
  }

  /** Hold traffic to and from `session` until `resume`. */
  pause(session: RouterSession): void {
    this.#link(session).paused = true;
    this.#update();
  }

  /** Release what a pause held: first what the router sent, then what the client sent, each in order. */
  resume(session: RouterSession): void {
    const link = this.#links.get(session);
    if (!link?.paused) return;
    link.paused = false;
    for (const message of link.heldOut.drain()) this.#pass(session, link, message);
    while (!link.paused && link.heldIn.size > 0) session.process(link.heldIn.take() as unknown[]);
    this.#tidy(session, link);
  }

  /** Drop all traffic of these sessions, both ways, for `durationMs` (or until `heal()`). */
  partition(sessions: readonly RouterSession[], durationMs?: number): { heal(): void } {
    for (const session of sessions) this.#link(session).partitions++;
    this.#update();
    let healed = false;
    const heal = (): void => {
      if (healed) return;
      healed = true;
      this.#partitionTimers.delete(cancel);
      for (const session of sessions) {
        const link = this.#links.get(session);
        if (!link || link.partitions === 0) continue;
        link.partitions--;
        this.#tidy(session, link);
      }
    };
    const cancel = durationMs === undefined ? () => {} : this.#clock.after(durationMs, heal);
    this.#partitionTimers.add(cancel);
    return { heal };
  }

  /** Router -> client. True if the fault took the message (dropped, held or delayed). */
  outbound(session: RouterSession, message: unknown[]): boolean {
    const link = this.#links.get(session);
    if (link !== undefined && link.partitions > 0) {
      this.dropped++;
      return true;
    }
    for (const drop of this.#drops) {
      if (applies(drop, session, message) && drop.random() < drop.fraction) {
        this.dropped++;
        return true;
      }
    }
    if (link?.paused) {
      link.heldOut.push(message);
      this.held++;
      return true;
    }
    return this.#delay(session, link, message);
  }

  /** Client -> router. True if the fault took the message (dropped or held). */
  inbound(session: RouterSession, message: unknown[]): boolean {
    const link = this.#links.get(session);
    if (link === undefined) return false;
    if (link.partitions > 0) {
      this.dropped++;
      return true;
    }
    if (!link.paused) return false;
    link.heldIn.push(message);
    this.held++;
    return true;
  }

  /** The session's transport closed: what was held or delayed for it is lost with it. */
  forget(session: RouterSession): void {
    if (this.#links.delete(session)) this.#update();
  }

  /** Past the pause: delay it or hand it to the transport. */
  #pass(session: RouterSession, link: Link | undefined, message: unknown[]): void {
    if (!this.#delay(session, link, message)) session.deliver(message);
  }

  #delay(session: RouterSession, link: Link | undefined, message: unknown[]): boolean {
    for (const rule of this.#delays) {
      if (applies(rule, session, message) && rule.random() < rule.fraction) {
        const entry: Delayed = { message, ready: false };
        const target = link ?? this.#link(session);
        target.delayed.push(entry);
        this.delayed++;
        this.#update();
        this.#batchFor(rule).items.push({ session, link: target, entry });
        return true;
      }
    }
    // Not delayed itself, but it must not overtake one that is.
    if (link !== undefined && link.delayed.size > 0) {
      link.delayed.push({ message, ready: true });
      return true;
    }
    return false;
  }

  /** One timer per clock reading, not per message: a load test may delay a million. */
  #batchFor(rule: Rule): DelayBatch {
    const now = this.#clock.now();
    if (rule.batch !== null && rule.batch.at === now) return rule.batch;
    const batch: DelayBatch = { at: now, items: [] };
    rule.batch = batch;
    this.#clock.after(rule.ms, () => {
      if (rule.batch === batch) rule.batch = null;
      for (const item of batch.items) item.entry.ready = true;
      for (const item of batch.items) this.#flush(item.session, item.link);
    });
    return batch;
  }

  #flush(session: RouterSession, link: Link): void {
    while (link.delayed.peek()?.ready === true) session.deliver((link.delayed.take() as Delayed).message);
    this.#tidy(session, link);
  }

  #link(session: RouterSession): Link {
    let link = this.#links.get(session);
    if (link === undefined) {
      link = { paused: false, partitions: 0, heldOut: new Fifo(), heldIn: new Fifo(), delayed: new Fifo() };
      this.#links.set(session, link);
    }
    return link;
  }

  /** Forget a link with nothing left in it, so that an idle router goes back to the fast path. */
  #tidy(session: RouterSession, link: Link): void {
    if (!link.paused && link.partitions === 0 && link.delayed.size === 0 && link.heldIn.size === 0 && link.heldOut.size === 0) {
      if (this.#links.get(session) === link) this.#links.delete(session);
    }
    this.#update();
  }

  #add(rules: Rule[], added: Rule): FaultHandle {
    rules.push(added);
    this.#update();
    return {
      stop: () => {
        const i = rules.indexOf(added);
        if (i >= 0) rules.splice(i, 1);
        this.#update();
      },
    };
  }

  #update(): void {
    const on = this.#drops.length > 0 || this.#delays.length > 0 || this.#links.size > 0;
    if (on !== this.#on) this.#setOn(this.#on = on);
  }
}

function rule(fraction: number, ms: number, scope: FaultScope): Rule {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`A fault fraction must be between 0 and 1, got ${fraction}.`);
  return {
    fraction,
    ms,
    realm: scope.realm,
    filter: scope.filter,
    random: scope.seed === undefined ? Math.random : seededRandom(scope.seed),
    batch: null,
  };
}

function applies(rule: Rule, session: RouterSession, message: unknown[]): boolean {
  if (rule.realm !== undefined && session.realm !== rule.realm) return false;
  return rule.filter === undefined || rule.filter(session.id, message);
}
