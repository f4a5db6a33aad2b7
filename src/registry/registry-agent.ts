// The Registry Agent (docs/ocs-protocol.md §3): an OCS agent whose process `main`
// keeps the table of agents in its session.data, fed by every agent's
// heartbeat, and which republishes their op codes on `agent_operations`.
// The liveness rules live in the pure core (src/core); this file wires them
// to the wire: subscription, sweeper, feed, and the `main` life cycle.

import type { Clock } from '../core/clock.ts';
import {
  type AgentChange,
  type LeadershipStatus,
  logText,
  type RegisteredAgent,
  Registry,
  type RegistryOptions,
  type Rejection,
  type RejectionReason,
  type RestoreResult,
  type SavedState,
  TransitionHistory,
} from '../core/index.ts';
import { OCSAgent } from '../agent/index.ts';
import type { OpSession } from '../agent/index.ts';
import type { EventHandler, EventTextHandler, Subscription, WampSession } from '../wamp/session.ts';
import { AgentOperationsFeed } from './agent-operations.ts';
import { MAIN_DOCSTRING } from './docstrings.ts';
import { PacedRepublish } from './paced-republish.ts';
import { TransitionLog } from './transition-log.ts';
import { LeaveSignal } from './leave-signal.ts';
import { ExpectedAgents } from '../core/expected.ts';
import { Leadership, type LeadershipTimings } from './leadership.ts';

export interface RegistryAgentOptions {
  /** `{address_root}.{instance_id}`, e.g. `observatory.registry`. */
  address: string;
  addressRoot: string;
  clock: Clock;
  hostname: string;
  pid: number;
  /** Seconds between two republishes of each agent on agent_operations (Python `--wait-time`, default 30). */
  waitTime?: number;
  /** Seconds of silence before an agent is expired (Python: 5, fixed). */
  agentTimeout?: number;
  maxAgents?: number;
  /** Per-class timeouts, the suspect threshold and the flapping rule (see RegistryOptions). */
  liveness?: Pick<RegistryOptions, 'classTimeouts' | 'suspectAfter' | 'flapping' | 'forgetAfter'>;
  /** How often expiry is checked, in ms: EXPIRED is seen at most this late. */
  sweepIntervalMs?: number;
  /** Where a caller can read the table when main.status() is too big for the router (default: the HTTP API's /api/agents). */
  readElsewhere?: string;
  /** Recent transitions kept per agent, and agents with a history at most (defaults 20 and 10000). */
  history?: { perAgent?: number; maxAgents?: number };
  /** Hot standby: one of several registries at this address; it leads or stands by (see leadership.ts). */
  standby?: boolean | { timings?: Partial<LeadershipTimings>; id?: string };
  log?: (line: string) => void;
}

/** A gap between sweeps longer than this is the registry's own stall, not the agents' silence. */
const STALL_SECONDS = 1;

export type ChangeListener = (change: AgentChange) => void;
export type RejectionListener = (rejection: Rejection) => void;

export class RegistryAgent {
  readonly agent: OCSAgent;
  readonly registry: Registry;
  readonly operationsFeed: AgentOperationsFeed;
  readonly waitTime: number;
  /** One rate-limited line per agent transition. */
  readonly transitionLog: TransitionLog;
  /** The fast signal: wamp.session.on_leave, where the router allows it. */
  readonly leaveSignal: LeaveSignal;
  /** The agents the site config names (set by the service; empty with --site none). */
  readonly expected: ExpectedAgents;
  /** Each agent's recent transitions: recorded by the HTTP layer (which numbers the events), kept in the state file. */
  readonly history: TransitionHistory;
  readonly sweepIntervalMs: number;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #readElsewhere: string;
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #rejectionListeners = new Set<RejectionListener>();
  readonly #loggedReasons = new Set<RejectionReason>();
  #session: WampSession | null = null;
  #subscription: Subscription | null = null;
  /** A `main` that was asked to stop while still starting. */
  #stopBeforeRun: OpSession | null = null;
  #cancelSweep: (() => void) | null = null;
  #staleSince: number | null;
  #lastSweep = 0;
  readonly #republish: PacedRepublish;
  /** Spans in which the registry could not hear (a lost router link, a stall of its own): they count as nobody's silence. */
  outages = 0;
  /** Frames or messages from the router that were dropped unread, by reason (see badFrame). */
  readonly badFrames: Record<string, number> = {};
  /** Agents a restore found expired by the downtime: published as EXPIRED once, on the first join. */
  #restoredExpiries: readonly AgentChange[] = [];
  /** Heartbeats taken by the text fast path (#heartbeatText) rather than parsed. */
  heartbeatsReadInPlace = 0;
  /** Call results over the router's message limit, answered with an error instead (see resultTooBig). */
  resultsTooBig = 0;
  /** Set with --standby: who leads among the registries at this address. */
  readonly leadership: Leadership | null = null;
  readonly #started: number;

  constructor(options: RegistryAgentOptions) {
    this.#clock = options.clock;
    this.#log = options.log ?? (() => {});
    this.#readElsewhere = options.readElsewhere ??
      "Read the agent table from the registry's HTTP API instead (GET /api/agents; start it with --http-port).";
    this.transitionLog = new TransitionLog(this.#log, options.clock);
    this.expected = new ExpectedAgents([options.address]);
    this.history = new TransitionHistory(options.history?.perAgent, options.history?.maxAgents);
    this.leaveSignal = new LeaveSignal((address, now) => {
      const change = this.registry.suspect(address, now);
      if (change !== null) this.#changed(change);
    }, options.clock);
    this.#staleSince = options.clock.now();
    this.#started = options.clock.now();
    this.waitTime = options.waitTime ?? 30;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 25;
    this.registry = new Registry({
      addressRoot: options.addressRoot,
      agentTimeout: options.agentTimeout,
      maxAgents: options.maxAgents,
      ...options.liveness,
    });
    this.agent = new OCSAgent({
      address: options.address,
      agentClass: 'RegistryAgent',
      clock: options.clock,
      hostname: options.hostname,
      pid: options.pid,
      log: options.log,
    });
    // Registered before join, so get_api lists it before `heartbeat` (as Python does).
    const feed = this.agent.registerFeed('agent_operations', { record: true, aggParams: { frame_length: 60 }, bufferTime: 0 });
    this.operationsFeed = new AgentOperationsFeed(
      this.registry,
      feed.encoded() as unknown as Record<string, unknown>,
      (topic, args) => {
        if (!this.#session?.isOpen || !this.mayPublish) return false;
        this.#session.publish(topic, args);
        return true;
      },
    );
    if (options.standby) {
      const standby = options.standby === true ? {} : options.standby;
      this.leadership = new Leadership({
        clock: options.clock,
        id: standby.id ?? `${options.hostname}:${options.pid}:${this.agent.sessionId}`,
        started: this.#started,
        host: options.hostname,
        pid: options.pid,
        // Not before its table is current: an agent shown expired while it could not hear has had a timeout to be heard again.
        timings: { warmupMs: ((options.agentTimeout ?? 5) + 1) * 1000, ...standby.timings },
        publish: (beacon) => this.#session?.isOpen && this.#session.publish(`${this.agent.address}.leadership`, [beacon], {}, { exclude_me: false }),
        onLead: () => this.#lead(),
        onStepDown: () => void this.agent.leave().catch(() => {}),
        log: this.#log,
      });
    }
    this.#republish = new PacedRepublish(this.waitTime, () => this.registry.agents(), (agent, now) => this.operationsFeed.publishAgent(agent, now));
    this.agent.registerProcess('main', (session, params) => this.#runMain(session, params), (session) => this.#stopMain(session), {
      blocking: false,
      startup: true,
      minPrivs: 1,
      docstring: MAIN_DOCSTRING,
      params: [{ key: 'test_mode', type: 'bool', default: false }],
    });
    this.agent.registerTask('register_agent', (_session, params) => registerAgent(params, this.#log), {
      blocking: false,
      minPrivs: 1,
      docstring: null,
    });
  }

  get address(): string {
    return this.agent.address;
  }

  /** True while joined to a router and subscribed to heartbeats. */
  get ready(): boolean {
    return this.#subscription !== null && (this.#session?.isOpen ?? false);
  }

  /** Joined to a router (its WAMP session is open). */
  get connected(): boolean {
    return this.#session?.isOpen ?? false;
  }

  /** Subscribed to every heartbeat. */
  get subscribed(): boolean {
    return this.#subscription !== null;
  }

  /**
   * Since when the registry has not been hearing heartbeats (not yet
   * subscribed, or it lost the router): every agent's row is stale from
   * then on. Null while it hears them.
   */
  get staleSince(): number | null {
    return this.#staleSince;
  }

  /**
   * Register the agent's procedures (rejects with AgentJoinError if the address
   * is taken), start `main` on the first join, and subscribe to every heartbeat.
   */
  async join(session: WampSession): Promise<void> {
    this.#session = session;
    this.#subscription = null;
    session.onClose(() => {
      if (this.#session !== session) return;
      this.#deaf();
      this.leadership?.stop('it lost the router');
    });
    // A standby registers nothing until it leads (then with invoke 'last'); main runs from the start.
    if (this.leadership === null) await this.agent.join(session);
    else this.agent.startStartupOps();
    const root = this.registry.addressRoot;
    this.#subscription = await session.subscribe(`${root}..feeds.heartbeat`, this.heartbeatHandler, { match: 'wildcard', text: this.#heartbeatText });
    // Silence counts again from here: the time away did not count (see Registry.deafFrom).
    const now = this.#clock.now();
    this.#lastSweep = now;
    this.registry.listenFrom(now, true);
    this.#staleSince = null;
    const signal = await this.leaveSignal.attach(session, this.address);
    this.#log(`Fast signal ${signal.available ? 'available' : 'unavailable'}: ${signal.detail}`);
    // A rejoin (or a restored table): the live agents' sessions are found afresh, not only at their next join or restart.
    if (signal.available) { for (const agent of this.registry.agents()) if (!agent.expired) this.leaveSignal.track(agent.agent_address); }
    const expiries = this.#restoredExpiries;
    this.#restoredExpiries = [];
    for (const change of expiries) this.#changed(change);
    const leadership = this.leadership;
    if (leadership !== null) {
      await session.subscribe(`${this.agent.address}.leadership`, (args) => leadership.heard(args));
      leadership.start();
    }
  }

  /** Publish on agent_operations: always for a single registry; only while leading with a fresh lease for a standby. */
  get mayPublish(): boolean {
    return this.leadership === null || this.leadership.leading;
  }

  get leadershipStatus(): LeadershipStatus {
    const l = this.leadership;
    if (l === null) return { standby: false, role: 'single', since: this.#started, takeovers: 0, id: null, leader: null };
    return { standby: true, role: l.role, since: l.since, takeovers: l.takeovers, id: l.id, leader: l.leaderId };
  }

  /**
   * This registry took over: answer `{addr}` and `{addr}.ops` (shared, invoke
   * 'last', so it registers over a stalled leader the router still holds),
   * publish what changed since the last leader was heard; the paced republish
   * carries on with the rest.
   */
  #lead(): void {
    const session = this.#session;
    const leadership = this.leadership as Leadership;
    if (!session?.isOpen) return;
    const silence = (leadership.timings.silenceMs + leadership.timings.candidacyMs) / 1000;
    const now = this.#clock.now();
    const heardUntil = now - silence;
    const changed = (agent: RegisteredAgent) => agent.lastTransition >= heardUntil;
    for (const agent of this.registry.agents()) if (changed(agent)) this.operationsFeed.publishAgent(agent, now);
    // At once, not at the next turn: the agents whose republish fell in the silence (at least one), so the
    // feed resumes the moment this registry leads. The paced republish then carries on from its cursor.
    this.#republish.replay(silence, now, changed);
    this.agent.join(session, { invoke: 'last' }).then(() => {
      // Stood down while registering: take the registrations back.
      if (leadership.role !== 'leader') return this.agent.leave();
    }).catch((err) => {
      this.#log(`Leadership: could not register ${this.agent.address} as leader: ${(err as Error).message}`);
      leadership.stop('it could not register its procedures');
      if (this.#session === session && session.isOpen) leadership.start();
    });
  }

  /**
   * Fill the table from a saved state before the first join, so `main` answers
   * with it from the start. Agents that died during the downtime are expired at
   * their last heartbeat + timeout and published as EXPIRED once on joining;
   * the living's silence counts only once the registry is subscribed.
   */
  restore(state: SavedState): RestoreResult {
    const now = this.#clock.now();
    const result = this.registry.restore(state, now, this.history);
    if (result.ok) {
      this.#restoredExpiries = result.expired;
      if (!this.ready) this.registry.deafFrom(now);
    }
    return result;
  }

  /** The router link is gone: expiries due by now are made, then silence stops counting. */
  #deaf(): void {
    if (this.#subscription !== null) {
      const now = this.#clock.now();
      for (const change of this.registry.expire(now)) this.#changed(change);
      this.#subscription = null;
      this.outages++;
      this.registry.deafFrom(now);
      this.#staleSince = now;
      this.#log("Lost the router: agents' silence does not count until the registry is subscribed again.");
    }
  }

  /**
   * What SIGINT does (Python: stop every session, wait, stop the reactor):
   * stop `main` and any task, wait up to `waitMs` for them to end, then leave.
   */
  async shutdown(waitMs = 3000): Promise<void> {
    const sessions = [...this.agent.operations.all()].flatMap((op) => (op.session ? [op.session] : []));
    this.agent.stopAllSessions();
    await new Promise<void>((resolve) => {
      let open = sessions.length;
      const cancel = this.#clock.after(waitMs, resolve);
      const done = () => {
        if (--open <= 0) {
          cancel();
          resolve();
        }
      };
      if (open === 0) done();
      for (const session of sessions) session.onFinished(done);
    });
    await this.leave();
  }

  async leave(): Promise<void> {
    this.leadership?.stop('it is stopping');
    const subscription = this.#subscription;
    this.#subscription = null;
    this.#staleSince ??= this.#clock.now();
    if (subscription && this.#session?.isOpen) await subscription.unsubscribe().catch(() => {});
    await this.agent.leave();
  }

  /** Called for every join, revive, expiry, restart and op change. Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onRejected(listener: RejectionListener): () => void {
    this.#rejectionListeners.add(listener);
    return () => this.#rejectionListeners.delete(listener);
  }

  /** The subscription handler; replaceable before join (a benchmark wraps it to time the registry). */
  heartbeatHandler: EventHandler = (args, _kwargs, details): void => {
    // Registries at one address hear each other's heartbeat; a single registry never hears its own
    // (exclude_me): neither tracks the registry itself, or a takeover would show it expired.
    if (this.leadership !== null && details.topic === `${this.agent.address}.feeds.heartbeat`) return;
    const result = this.registry.ingest(details.topic, args, this.#clock.now());
    if (result === null) return;
    if (result.kind === 'rejected') this.#rejected(result);
    else this.#changed(result);
  };

  /**
   * The usual heartbeat (a known agent repeating itself) read in place from
   * the EVENT's JSON text, without parsing it (Registry.refreshFromText);
   * anything else returns false and comes to heartbeatHandler parsed. A
   * standby registry takes the parsed path (it must skip its peers' heartbeats).
   * Wrappers of heartbeatHandler see only what this does not take.
   */
  readonly #heartbeatText: EventTextHandler = (text, topicFrom, topicTo, argsFrom, argsTo) => {
    if (this.leadership !== null || !this.registry.refreshFromText(text, topicFrom, topicTo, argsFrom, argsTo, this.#clock.now())) return false;
    this.heartbeatsReadInPlace++;
    return true;
  };

  /**
   * A frame from the router that could not be read (e.g. garbage a client got
   * through): it costs only itself. Counted by reason, logged once per reason.
   */
  badFrame(reason: string, detail: string): void {
    const seen = this.badFrames[reason] ?? 0;
    this.badFrames[reason] = seen + 1;
    if (seen === 0) this.#log(`Dropped a frame from the router (${reason}): ${logText(detail, 200)}. Further ones are only counted.`);
  }

  /**
   * A call result (e.g. main.status() of a big table) was over the router's
   * message limit: the caller gets wamp.error.payload_size_exceeded and the
   * registry stays joined. Counted; logged the first time. Returns the hint
   * for the caller.
   */
  resultTooBig(procedure: string, bytes: number, limit: number): string {
    if (this.resultsTooBig++ === 0) {
      this.#log(
        `A result of ${
          logText(procedure)
        } (${bytes} bytes) is over the router's message limit (${limit} bytes): answered with an error. Further ones are only counted.`,
      );
    }
    return this.#readElsewhere;
  }

  #changed(change: AgentChange): void {
    const { agent, at } = change;
    this.transitionLog.change(change);
    if (change.forgot !== null) this.leaveSignal.untrack(change.forgot.agent_address);
    if (change.forgotten) this.leaveSignal.untrack(agent.agent_address);
    if (change.joined || change.restarted || change.revived) this.leaveSignal.track(agent.agent_address);
    // Python publishes all of an agent's ops on any change; we also publish EXPIRED at once (Q6).
    if (change.joined || change.revived || change.expired || change.opsChanged) this.operationsFeed.publishAgent(agent, at);
    if (change.vanishedOps.length > 0) this.operationsFeed.publishVanished(agent, change.vanishedOps, at);
    for (const listener of this.#changeListeners) safely(() => listener(change), this.#log);
  }

  #rejected(rejection: Rejection): void {
    // Counted by the core; logged once per reason so a hostile flood cannot flood the log.
    if (!this.#loggedReasons.has(rejection.reason)) {
      this.#loggedReasons.add(rejection.reason);
      this.#log(`Rejected a heartbeat (${rejection.reason}): ${rejection.detail}. Further ones are only counted.`);
    }
    for (const listener of this.#rejectionListeners) safely(() => listener(rejection), this.#log);
  }

  /**
   * Expire silent agents; runs while `main` runs, as Python's expiry does.
   * Silence counts only while the registry is subscribed (Registry.deafFrom).
   */
  sweep(): void {
    if (!this.ready) return;
    const now = this.#clock.now();
    // A stalled event loop (GC, a slow disk, a suspended VM) could not read
    // the heartbeats that arrived meanwhile: that span is nobody's silence.
    const gap = now - this.#lastSweep;
    const from = this.#lastSweep;
    this.#lastSweep = now;
    if (gap > STALL_SECONDS) {
      this.outages++;
      this.registry.deafFrom(from);
      this.registry.listenFrom(now);
      this.#log(`The registry stalled for ${gap.toFixed(1)} s: that time does not count as agents' silence.`);
    }
    for (const change of this.registry.expire(now)) this.#changed(change);
  }

  /** Expiry and the paced republish share one timer; both run while `main` does. */
  #startSweeper(): void {
    this.#lastSweep = this.#clock.now();
    this.#republish.reset();
    this.#republish.tick(this.#clock.now());
    const tick = () => {
      this.sweep();
      this.#republish.tick(this.#clock.now());
      this.#cancelSweep = this.#clock.after(this.sweepIntervalMs, tick);
    };
    this.#cancelSweep = this.#clock.after(this.sweepIntervalMs, tick);
  }

  #stopSweeper(): void {
    this.#cancelSweep?.();
    this.#cancelSweep = null;
  }

  /** Process `main`: session.data is the live table while it runs (expiry and republish run on the sweeper). */
  async #runMain(session: OpSession, params: { test_mode: boolean }): Promise<[boolean, string]> {
    if (this.#stopBeforeRun === session) {
      this.#stopBeforeRun = null;
      return [true, 'Stopped registry main process'];
    }
    session.dataSource = () => this.registry.table();
    this.#startSweeper();
    try {
      // Python's loop, once a second; test_mode ends it after one round.
      while (session.status === 'running') {
        await session.sleep(1, true);
        if (params.test_mode) break;
      }
    } finally {
      this.#stopSweeper();
      // A finished session keeps the table as it was (Python freezes session.data).
      session.data = JSON.parse(JSON.stringify(this.registry.table())) as Record<string, unknown>;
      session.dataSource = null;
    }
    return [true, 'Stopped registry main process'];
  }

  #stopMain(session: OpSession): [boolean, string] {
    if (session.status === 'running') {
      session.setStatus('stopping');
      return [true, 'requested to stop main process'];
    }
    // Python ignores a stop that comes before main set its run flag, and main
    // then runs on; here main ends as soon as it starts.
    if (session.status === 'starting') {
      this.#stopBeforeRun = session;
      return [true, 'requested to stop main process'];
    }
    return [false, 'main process not currently running'];
  }
}

/** The deprecated task: old agents called it with their encoded() dict. */
function registerAgent(params: unknown, log: (line: string) => void): [boolean, string] {
  const address = (params as Record<string, unknown> | null)?.agent_address;
  if (address === undefined) throw new KeyError('agent_address');
  // The address is the caller's text: quoted and cut (a 64 KiB one must not grow the log by 64 KiB).
  const text = typeof address === 'string' ? logText(address) : logText(String(address));
  log(`Warning!!! The register_agent task has been deprecated. Agent ${text} is using an out of date version of ocs or socs!!`);
  return [true, "'register_agent' is deprecated"];
}

/** Python's KeyError, so the crash text reads as it does there. */
class KeyError extends Error {
  constructor(key: string) {
    super(`'${key}'`);
    this.name = 'KeyError';
  }
}

function safely(fn: () => void, log: (line: string) => void): void {
  try {
    fn();
  } catch (err) {
    log(`A registry listener failed: ${String(err)}`);
  }
}
