// A swarm of fake OCS agents for load tests. Each is a real OCSAgent on the
// wire (get_api, {addr}.ops, heartbeats, an optional data feed), but they
// share one heartbeat scheduler and one set of op functions, so one process
// holds 100k of them. A director applies the scenario's faults and op
// transitions at seeded random times and records the ground truth.
import type { Clock } from '../../src/core/clock.ts';
import { operationFieldName } from '../../src/core/field-name.ts';
import { OCSAgent } from '../../src/agent/agent.ts';
import type { Feed } from '../../src/agent/feed.ts';
import type { Connector, SwarmConnection } from './connection.ts';
import { drawOpCount } from './op-count.ts';
import { Random } from './random.ts';
import { periodSeconds, type Scenario } from './scenario.ts';
import { HeartbeatScheduler } from './scheduler.ts';
import { opNames, SwarmOps } from './swarm-ops.ts';
import { GroundTruth, type SilenceKind } from './truth.ts';

export interface SwarmOptions {
  clock: Clock;
  connect: Connector;
  log?: (line: string) => void;
  /** Keep a line per director action in `events` (for replay checks). */
  recordEvents?: boolean;
  /** Milliseconds between director steps (default 100). */
  stepMs?: number;
  /** High-resolution milliseconds for latency (default performance.now; the Clock has ms resolution). */
  hrNow?: () => number;
  /** An agent's connection was closed by the far end (router gone or it dropped us); `up` is what is left. */
  onConnectionLost?: (reason: string, up: number) => void;
}

export interface SwarmStats {
  /** Addresses ever used (churn adds some). */
  agents: number;
  /** Joined and beating (or in a heartbeat-off window). */
  up: number;
  heartbeatsSent: number;
  dataPublishes: number;
  starts: number;
  finishes: number;
  fails: number;
  degrades: number;
  crashes: number;
  restarts: number;
  hbOffWindows: number;
  partitions: number;
  churned: number;
  /** Connection or join attempts that failed (refused, timed out, closed early); each is retried. */
  connectErrors: number;
  /** Attempts made again after a failure, with growing back-off. */
  connectRetries: number;
  /** Connections the far end closed while the agent was up (the agent reconnects). */
  connectionsLost: number;
  /** Agents still waiting to join (first connection not made yet). */
  waitingToJoin: number;
}

const CONNECTING = 0;
const UP = 1;
const CRASHED = 2;
const CUT = 3;
const LEFT = 4;
/** First connection failed; retrying with back-off. */
const RETRYING = 5;

/** Back-off before retry `attempt` (1, 2, ...): 0.5 s doubling to 30 s, times 0.5..1.5 so a crowd spreads out. */
export function retryDelaySeconds(attempt: number, random: number): number {
  return Math.min(30, 0.5 * 2 ** Math.min(attempt - 1, 6)) * (0.5 + random);
}

interface Member {
  readonly index: number;
  readonly address: string;
  readonly topic: string;
  readonly opNames: readonly string[];
  readonly dataFeed: boolean;
  state: number;
  agent: OCSAgent | null;
  connection: SwarmConnection | null;
  feed: Feed | null;
  /** Op codes as of the last heartbeat, kept only while changes are tracked. */
  snapshot: Uint8Array | null;
  /** Op codes changed since the last heartbeat. */
  dirty: boolean;
  /** Failed connection attempts in a row. */
  attempts: number;
  /** Joined at least once (before that it counts as waiting to join). */
  joinedOnce: boolean;
}

interface AgendaItem {
  at: number;
  run: () => void;
}

export class Swarm {
  readonly scenario: Scenario;
  readonly truth: GroundTruth = new GroundTruth();
  readonly stats: SwarmStats = {
    agents: 0,
    up: 0,
    heartbeatsSent: 0,
    dataPublishes: 0,
    starts: 0,
    finishes: 0,
    fails: 0,
    degrades: 0,
    crashes: 0,
    restarts: 0,
    hbOffWindows: 0,
    partitions: 0,
    churned: 0,
    connectErrors: 0,
    connectRetries: 0,
    connectionsLost: 0,
    waitingToJoin: 0,
  };
  readonly events: string[] = [];
  readonly hrNow: () => number;
  readonly #clock: Clock;
  readonly #connect: Connector;
  readonly #log: (line: string) => void;
  readonly #record: boolean;
  readonly #stepMs: number;
  readonly #members: Member[] = [];
  readonly #byAddress = new Map<string, number>();
  readonly #byTopic = new Map<string, number>();
  readonly #ops = new SwarmOps();
  readonly #scheduler: HeartbeatScheduler;
  /** Separate streams: faults, op counts and data values do not shift each other. */
  readonly #director: Random;
  readonly #shapes: Random;
  readonly #values: Random;
  /** Retry back-off jitter: its own stream, so refusals do not shift the faults. */
  readonly #backoff: Random;
  readonly #onLost: (reason: string, up: number) => void;
  readonly #width: number;
  #agenda: AgendaItem[] = [];
  #cancelStep: (() => void) | null = null;
  #running = false;
  #loggedConnectError = false;

  constructor(scenario: Scenario, options: SwarmOptions) {
    this.scenario = scenario;
    this.#clock = options.clock;
    this.#connect = options.connect;
    this.#log = options.log ?? (() => {});
    this.#record = options.recordEvents ?? false;
    this.#stepMs = options.stepMs ?? 100;
    this.hrNow = options.hrNow ?? (() => performance.now());
    this.#director = new Random(scenario.seed, 1);
    this.#shapes = new Random(scenario.seed, 2);
    this.#values = new Random(scenario.seed, 3);
    this.#backoff = new Random(scenario.seed, 5);
    this.#onLost = options.onConnectionLost ?? (() => {});
    this.#width = Math.max(4, String(scenario.agents).length);
    this.#scheduler = new HeartbeatScheduler({
      clock: this.#clock,
      periodMs: periodSeconds(scenario) * 1000,
      jitter: scenario.jitter,
      random: new Random(scenario.seed, 4),
      beat: (index) => this.#beat(index),
    });
  }

  /** Member number of an address or heartbeat topic (undefined if not the swarm's). */
  indexOfAddress(address: string): number | undefined {
    return this.#byAddress.get(address);
  }

  indexOfTopic(topic: string): number | undefined {
    return this.#byTopic.get(topic);
  }

  address(member: number): string {
    return this.#members[member]?.address ?? '';
  }

  /** The op names of a member (in heartbeat order). */
  opNamesOf(member: number): readonly string[] {
    return this.#members[member]?.opNames ?? [];
  }

  /** The agent currently behind a member (null while crashed). */
  agentOf(member: number): OCSAgent | null {
    return this.#members[member]?.agent ?? null;
  }

  get size(): number {
    return this.#members.length;
  }

  /** Connect every agent (a few at a time), then start beating and directing. */
  async start(): Promise<void> {
    this.#running = true;
    this.#scheduler.start();
    const n = this.scenario.agents;
    for (let i = 0; i < n; i++) this.#addMember();
    let next = 0;
    const worker = async () => {
      while (next < n && this.#running) await this.#launch(next++);
    };
    await Promise.all(Array.from({ length: Math.min(n, this.scenario.connectConcurrency) }, worker));
    if (this.#running) this.#cancelStep = this.#clock.after(this.#stepMs, () => this.#step());
  }

  /** Stop beating and directing; every connected agent leaves with GOODBYE. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#scheduler.stop();
    this.#cancelStep?.();
    this.#cancelStep = null;
    this.#agenda = [];
    const leaving: Promise<void>[] = [];
    for (const m of this.#members) {
      if (m.connection && m.connection.session.isOpen) leaving.push(m.connection.session.leave().catch(() => {}));
      m.connection = null;
    }
    await Promise.all(leaving);
  }

  #addMember(): Member {
    const index = this.#members.length;
    const name = this.scenario.name.replace('{i}', String(index + 1).padStart(this.#width, '0'));
    const address = `${this.scenario.root}.${name}`;
    const count = this.scenario.ops === 'realistic' ? drawOpCount(this.#shapes) : this.scenario.ops;
    const member: Member = {
      index,
      address,
      topic: `${address}.feeds.heartbeat`,
      opNames: opNames(count),
      dataFeed: this.scenario.dataFeed > 0 && this.#shapes.next() < this.scenario.dataFeed,
      state: CONNECTING,
      agent: null,
      connection: null,
      feed: null,
      snapshot: null,
      dirty: false,
      attempts: 0,
      joinedOnce: false,
    };
    this.#members.push(member);
    this.#byAddress.set(address, index);
    this.#byTopic.set(member.topic, index);
    this.truth.ensure(index);
    this.stats.agents++;
    this.stats.waitingToJoin++;
    return member;
  }

  /** Start a (new) agent process for a member: a fresh OCSAgent, so a fresh feed session_id. */
  async #launch(index: number): Promise<void> {
    const m = this.#members[index]!;
    this.#setState(m, CONNECTING);
    const agent = new OCSAgent({
      address: m.address,
      agentClass: 'SwarmAgent',
      clock: this.#clock,
      hostname: 'swarm',
      pid: 100000 + index,
      heartbeatTimer: false,
    });
    this.#ops.register(agent, m.opNames);
    m.feed = m.dataFeed ? agent.registerFeed('false_temperatures', { record: true, aggParams: { frame_length: 60 }, bufferTime: 1 }) : null;
    m.agent = agent;
    m.snapshot = null;
    m.dirty = false;
    try {
      const connection = await this.#connect();
      if (!this.#running) {
        connection.drop();
        return;
      }
      await agent.join(connection.session);
      m.connection = connection;
      this.#watch(m, connection);
    } catch (err) {
      this.#connectFailed(m, err);
      m.agent = null;
      this.#setState(m, RETRYING);
      this.#later(retryDelaySeconds(m.attempts, this.#backoff.next()), () => this.#retry(index));
      return;
    }
    this.#joined(m);
    this.#setState(m, UP);
    this.#scheduler.add(index);
  }

  #joined(m: Member): void {
    m.attempts = 0;
    if (m.joinedOnce) return;
    m.joinedOnce = true;
    this.stats.waitingToJoin--;
  }

  #connectFailed(m: Member, err: unknown): void {
    this.stats.connectErrors++;
    m.attempts++;
    if (!this.#loggedConnectError) {
      this.#loggedConnectError = true;
      this.#log(`Agent ${m.address} could not join: ${(err as Error).message} (retried with back-off; further errors are only counted)`);
    }
  }

  #retry(index: number): void {
    if (!this.#running) return;
    this.stats.connectRetries++;
    void this.#launch(index);
  }

  /** Notice when the far end closes an agent's connection: the agent reconnects, as autobahn's does. */
  #watch(m: Member, connection: SwarmConnection): void {
    connection.session.onClose((reason) => {
      // Closed by the swarm itself (crash, partition, leave, stop) or already replaced: nothing to do.
      if (!this.#running || m.connection !== connection || m.state !== UP) return;
      m.connection = null;
      this.#silence(m, 'lost');
      this.#setState(m, CUT);
      this.stats.connectionsLost++;
      this.#event(`lost ${m.address}: ${reason}`);
      this.#onLost(reason, this.stats.up);
      this.#later(retryDelaySeconds(1, this.#backoff.next()), () => void this.#reconnect(m));
    });
  }

  #setState(m: Member, state: number): void {
    if (m.state === UP) this.stats.up--;
    if (state === UP) this.stats.up++;
    m.state = state;
  }

  /** One heartbeat of one member (called by the scheduler). */
  #beat(index: number): void {
    const m = this.#members[index]!;
    const agent = m.agent;
    if (agent === null || !agent.heartbeatOn || !agent.joined) return;
    agent.heartbeat();
    const now = this.#clock.now();
    this.stats.heartbeatsSent++;
    this.truth.beat(index, now, this.hrNow());
    if (m.dirty) this.#opChangesSent(m, agent, now);
    if (m.feed !== null) {
      // FakeData-like: one sample per beat, flushed by the feed every ~2 s.
      const v = this.#values.next();
      m.feed.publish({ block_name: 'temps', timestamp: now, data: { channel_00: 0.1 + v * 0.002, channel_01: 0.1 - v * 0.002 } });
      this.stats.dataPublishes++;
    }
  }

  #codes(agent: OCSAgent): Uint8Array {
    const codes = new Uint8Array(agent.operations.size);
    let i = 0;
    for (const op of agent.operations.all()) codes[i++] = op.session ? op.session.opCode : 1;
    return codes;
  }

  /** Before the director changes an op: remember the codes the last heartbeat carried. */
  #touch(m: Member): void {
    if (!this.truth.trackOpChanges || m.agent === null) return;
    if (m.snapshot === null) m.snapshot = this.#codes(m.agent);
    m.dirty = true;
  }

  /** A heartbeat carried codes that differ from the previous one's: the registry must show them. */
  #opChangesSent(m: Member, agent: OCSAgent, now: number): void {
    const codes = this.#codes(agent);
    const before = m.snapshot;
    let changed = false;
    for (let j = 0; j < codes.length; j++) {
      if (before !== null && codes[j] === before[j]) continue;
      changed = true;
      const opName = m.opNames[j]!;
      const field = operationFieldName(m.address, opName);
      if (field !== null) this.truth.opChangeSent(field, { member: m.index, opName, code: codes[j]!, sentAt: now });
    }
    m.snapshot = codes;
    // Stay dirty for one more beat: a start moves on to RUNNING a tick later.
    if (!changed) m.dirty = false;
  }

  #event(text: string): void {
    if (this.#record) this.events.push(`${this.#clock.now().toFixed(3)} ${text}`);
  }

  #later(seconds: number, run: () => void): void {
    this.#agenda.push({ at: this.#clock.now() + seconds, run });
  }

  /** One director step: due agenda items, then this step's share of each rate. */
  #step(): void {
    this.#cancelStep = this.#clock.after(this.#stepMs, () => this.#step());
    const now = this.#clock.now();
    if (this.#agenda.length > 0) {
      const due = this.#agenda.filter((a) => a.at <= now);
      if (due.length > 0) {
        this.#agenda = this.#agenda.filter((a) => a.at > now);
        for (const item of due) item.run();
      }
    }
    const s = this.scenario;
    const minutes = this.#stepMs / 60_000;
    const r = this.#director;
    for (let k = r.poisson(s.startsPerMin * minutes); k > 0; k--) this.#startOp();
    for (let k = r.poisson(s.finishesPerMin * minutes); k > 0; k--) this.#endOp(true);
    for (let k = r.poisson(s.failsPerMin * minutes); k > 0; k--) this.#endOp(false);
    for (let k = r.poisson(s.degradesPerMin * minutes); k > 0; k--) this.#degrade();
    for (let k = r.poisson(s.crashPerMin * minutes); k > 0; k--) this.#crash();
    for (let k = r.poisson(s.hbOffPerMin * minutes); k > 0; k--) this.#heartbeatOff();
    for (let k = r.poisson(s.partitionsPerMin * minutes); k > 0; k--) this.#partition();
    for (let k = r.poisson(s.churnPerMin * minutes); k > 0; k--) this.#churn();
  }

  /** A random member that is up and beating; undefined after a few misses. */
  #pickBeating(): Member | undefined {
    const n = this.#members.length;
    for (let tries = 0; tries < 20 && n > 0; tries++) {
      const m = this.#members[this.#director.int(n)]!;
      if (m.state === UP && m.agent !== null && m.agent.heartbeatOn) return m;
    }
    return undefined;
  }

  #startOp(): void {
    const m = this.#pickBeating();
    if (!m || m.opNames.length === 0) return;
    const opName = m.opNames[this.#director.int(m.opNames.length)]!;
    const agent = m.agent!;
    const session = agent.operations.get(opName)?.session;
    if (session && session.status !== 'done') return;
    this.#touch(m);
    if (this.#ops.start(m.index, agent, opName)) {
      this.stats.starts++;
      this.#event(`start ${m.address} ${opName}`);
    }
  }

  #endOp(ok: boolean): void {
    const running = this.#ops.running;
    if (running.length === 0) return;
    const i = this.#director.int(running.length);
    const entry = running[i]!;
    const m = this.#members[entry.member]!;
    if (entry.end === null) return;
    this.#touch(m);
    this.#ops.end(i, ok);
    if (ok) this.stats.finishes++;
    else this.stats.fails++;
    this.#event(`${ok ? 'finish' : 'fail'} ${m.address} ${entry.opName}`);
  }

  #degrade(): void {
    const running = this.#ops.running;
    if (running.length === 0) return;
    const entry = running[this.#director.int(running.length)]!;
    if (entry.session.status !== 'running') return;
    this.#touch(this.#members[entry.member]!);
    entry.session.degraded = !entry.session.degraded;
    this.stats.degrades++;
    this.#event(`${entry.session.degraded ? 'degrade' : 'recover'} ${this.#members[entry.member]!.address} ${entry.opName}`);
  }

  /** A silent stop: no goodbye, no more heartbeats; back as a new process after restartAfter. */
  #crash(): void {
    const m = this.#pickBeating();
    if (!m) return;
    this.#silence(m, 'crash');
    this.#scheduler.remove(m.index);
    this.#ops.forget(m.index);
    const connection = m.connection;
    m.connection = null;
    connection?.drop();
    m.agent = null;
    m.feed = null;
    this.#setState(m, CRASHED);
    this.stats.crashes++;
    this.#event(`crash ${m.address}`);
    const after = this.scenario.restartAfter;
    if (after !== null) this.#later(after, () => this.#restart(m.index));
  }

  #restart(index: number): void {
    if (!this.#running) return;
    this.stats.restarts++;
    this.#event(`restart ${this.#members[index]!.address}`);
    void this.#launch(index);
  }

  #heartbeatOff(): void {
    const m = this.#pickBeating();
    if (!m) return;
    const agent = m.agent!;
    this.#silence(m, 'hb-off');
    agent.heartbeatOn = false;
    this.stats.hbOffWindows++;
    this.#event(`heartbeat-off ${m.address}`);
    this.#later(this.scenario.hbOffSeconds, () => {
      agent.heartbeatOn = true;
      this.#event(`heartbeat-on ${m.address}`);
    });
  }

  /** A group loses the router; the same agents reconnect later (same session_id, as autobahn's reconnect does). */
  #partition(): void {
    const target = Math.max(1, Math.round(this.scenario.partitionSize * this.stats.up));
    const cut: Member[] = [];
    for (let tries = 0; cut.length < target && tries < target * 4; tries++) {
      const m = this.#pickBeating();
      if (m && m.state === UP) {
        this.#silence(m, 'partition');
        const connection = m.connection;
        m.connection = null;
        this.#setState(m, CUT);
        connection?.drop();
        cut.push(m);
      }
    }
    if (cut.length === 0) return;
    this.stats.partitions++;
    this.#event(`partition ${cut.length} agents`);
    this.#later(this.scenario.partitionSeconds, () => {
      this.#event(`heal ${cut.length} agents`);
      for (const m of cut) void this.#reconnect(m);
    });
  }

  /** Rejoin with the same agent (same session_id); after a failure this is a retry. */
  async #reconnect(m: Member): Promise<void> {
    const agent = m.agent;
    if (agent === null || m.state !== CUT || !this.#running) return;
    if (m.attempts > 0) this.stats.connectRetries++;
    try {
      const connection = await this.#connect();
      if (!this.#running || m.state !== CUT) {
        connection.drop();
        return;
      }
      await agent.join(connection.session);
      m.connection = connection;
      m.attempts = 0;
      this.#watch(m, connection);
      this.#setState(m, UP);
    } catch (err) {
      this.#connectFailed(m, err);
      this.#later(retryDelaySeconds(m.attempts, this.#backoff.next()), () => void this.#reconnect(m));
    }
  }

  /** An agent leaves for good (clean goodbye) and a new address joins. */
  #churn(): void {
    const m = this.#pickBeating();
    if (!m) return;
    this.#silence(m, 'leave');
    this.#scheduler.remove(m.index);
    this.#ops.forget(m.index);
    const connection = m.connection;
    const agent = m.agent;
    m.connection = null;
    m.agent = null;
    this.#setState(m, LEFT);
    if (agent && connection) void agent.leave().then(() => connection.session.leave()).catch(() => {});
    const fresh = this.#addMember();
    this.stats.churned++;
    this.#event(`churn ${m.address} -> ${fresh.address}`);
    void this.#launch(fresh.index);
  }

  #silence(m: Member, kind: SilenceKind): void {
    this.truth.silence(m.index, kind);
  }
}
