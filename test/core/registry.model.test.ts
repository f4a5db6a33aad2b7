// Model-based property test: random command sequences run against a tiny
// reference model written from docs/ocs-protocol.md (§3) and against the core,
// including what OCS does not see: per-class timeouts, suspect (late or left),
// flapping, missing and unexpected against a site config's list, and
// --forget-after (an agent expired that long is gone; its next heartbeat joins it anew). A second registry without those gets the same input: OCS's view
// (session.data, what agent_operations publishes) must not differ.
// Replay a failure with FC_SEED=<seed> (and FC_PATH=<path> to shrink straight to it).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import fc from 'fast-check';
import { fieldNameProblem } from '../../src/core/field-name.ts';
import { type AgentChange, type IngestResult, Registry } from '../../src/core/registry.ts';
import { ExpectedAgents } from '../../src/core/expected.ts';
import { floatTime } from '../../src/core/clock.ts';
import { feedFor, ROOT } from '../support/heartbeats.ts';

const TIMEOUT = 5;
/** Per-class timeouts: AggregatorAgent gets its own. */
const CLASS_TIMEOUTS: Record<string, number> = { AggregatorAgent: 7 };
const SUSPECT_AFTER = 2;
const SUSPECT_MIN = 1;
const FLAP = { limit: 2, window: 20 };
/** --forget-after: seconds of listening time an agent stays expired before it is forgotten (both registries: OCS sees it). */
const FORGET_AFTER = 2;
const T0 = 1_700_000_000;
/** What a site config names: some of the ids commands use, and one never heard. */
const EXPECTED = ['a', 'faker-1', 'never-heard'];
const expected = new ExpectedAgents();
expected.set(EXPECTED.map((id) => ({ address: `${ROOT}.${id}`, agentClass: 'FakeDataAgent', host: 'h', manage: 'host/up', up: true })), '/site.yaml', T0);

interface ModelAgent {
  lastHeard: number;
  /** The listening clock when last heard: silence counts only while the registry listens. */
  heardAt: number;
  /** Wall time its listened silence crossed the timeout. */
  expiredAt: number;
  ops: Record<string, number>;
  sessionId: string;
  agentClass: string;
  expired: boolean;
  silent: boolean;
  /** Smoothed heartbeat interval, as the protocol's statistics define it (NaN until two beats). */
  mean: number;
  suspect: 'late' | 'left' | null;
  suspectSince: number;
  flaps: { at: number; kind: 'revival' | 'restart' }[];
  flapping: boolean;
  /** Given a full timeout at a rejoin since it was last heard (the next rejoin gives none). */
  graced: boolean;
}
interface Model {
  now: number;
  /**
   * Listening clock: advances only while the registry is subscribed (not while
   * its link is down or it stalls). It starts at T0, as the registry's does.
   */
  listened: number;
  listening: boolean;
  agents: Map<string, ModelAgent>;
  restarts: number;
}
interface Real {
  registry: Registry;
  /** The same input without suspect, flapping or leaves: OCS's view must be the same. */
  plain: Registry;
}

type Ops = Record<string, number>;

function timeoutOf(agentClass: string): number {
  return CLASS_TIMEOUTS[agentClass] ?? TIMEOUT;
}

/** What agent_operations publishes from: a change, without the liveness marks. */
function ocsView(changes: readonly (IngestResult | undefined)[]): string {
  const relevant = changes.flatMap((c) =>
    c?.kind === 'changed' && (c.joined || c.revived || c.expired || c.opsChanged || c.vanishedOps.length > 0 || c.forgotten)
      ? [[c.agent.address, c.joined, c.revived, c.expired, c.opsChanged, c.vanishedOps, c.restarted, c.forgotten]]
      : []
  );
  // Within one sweep the order of expiries is not part of the contract.
  return JSON.stringify(relevant.sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

/** One heartbeat into both registries; returns the change of the real one. */
function send(real: Real, model: Model, id: string, ops: Ops, sessionId: string, agentClass: string): IngestResult {
  const address = `${ROOT}.${id}`;
  const args = [[ops, feedFor(address, agentClass, sessionId)]];
  const result = real.registry.ingest(`${address}.feeds.heartbeat`, args, model.now);
  const plain = real.plain.ingest(`${address}.feeds.heartbeat`, args, model.now);
  assert.equal(ocsView([result]), ocsView([plain]), 'suspect and flapping change nothing OCS sees');
  return result;
}

function flapped(model: Model, m: ModelAgent, kind: 'revival' | 'restart'): boolean {
  m.flaps.push({ at: model.now, kind });
  if (m.flaps.length > FLAP.limit + 1) m.flaps.shift();
  if (m.flapping || m.flaps.filter((f) => model.now - f.at <= FLAP.window).length <= FLAP.limit) return false;
  m.flapping = true;
  return true;
}

/** A heartbeat in the model, and the real change checked against it. */
function heard(model: Model, id: string, ops: Ops, sessionId: string, agentClass: string, result: IngestResult): void {
  const before = model.agents.get(id);
  assert.notEqual(result?.kind, 'rejected');
  const change = result?.kind === 'changed' ? result : null;
  if (!before) {
    assert.equal(change?.joined, true, 'a first heartbeat joins');
    model.agents.set(id, {
      lastHeard: model.now,
      heardAt: model.listened,
      expiredAt: 0,
      ops,
      sessionId,
      agentClass,
      expired: false,
      silent: false,
      mean: Number.NaN,
      suspect: null,
      suspectSince: Number.NaN,
      flaps: [],
      flapping: false,
      graced: false,
    });
    return;
  }
  const m = before;
  if (!m.expired) {
    const interval = model.now - m.lastHeard;
    m.mean = Number.isNaN(m.mean) ? interval : m.mean + 0.1 * (interval - m.mean);
  }
  const restarted = sessionId !== m.sessionId;
  let started = false;
  if (m.expired) started = flapped(model, m, 'revival');
  if (restarted) started = flapped(model, m, 'restart') || started;
  assert.equal(change?.revived ?? false, m.expired, 'a heartbeat revives an expired agent');
  assert.equal(change?.restarted ?? false, restarted, 'a new session_id is a restart');
  assert.equal(change?.unsuspected ?? false, m.suspect !== null, 'a heartbeat clears suspect');
  assert.equal(change?.startedFlapping ?? false, started, 'flagged flapping on the transition past the limit');
  Object.assign(m, {
    lastHeard: model.now,
    heardAt: model.listened,
    ops,
    sessionId,
    expired: false,
    silent: false,
    suspect: null,
    suspectSince: Number.NaN,
    graced: false,
  });
  if (restarted) m.agentClass = agentClass;
}

function checkInvariants(model: Model, real: Real): void {
  const table = real.registry.table();
  assert.equal(JSON.stringify(table), JSON.stringify(real.plain.table()), "OCS's session.data is unchanged by suspect, flapping and leaves");
  assert.equal(Object.keys(table).length, model.agents.size);
  for (const [id, m] of model.agents) {
    const entry = table[`${ROOT}.${id}`];
    assert.ok(entry, `agent ${id} is listed`);
    const timeout = timeoutOf(m.agentClass);
    // expired ⇔ silent for more than its class's timeout of time the registry listened
    assert.equal(entry.expired, model.listened - m.heardAt > timeout, `agent ${id} expired flag`);
    assert.equal(entry.expired, m.expired);
    assert.equal(entry.last_updated, m.lastHeard);
    if (m.expired) {
      assert.equal(entry.time_expired, floatTime(m.expiredAt), 'the wall time it crossed the timeout, always a float');
      assert.ok(m.expiredAt >= m.lastHeard + timeout, 'never before a full timeout of wall time');
      assert.deepEqual(entry.op_codes, Object.fromEntries(Object.keys(m.ops).map((k) => [k, 7])));
    } else {
      assert.equal(entry.time_expired, null);
      assert.deepEqual(entry.op_codes, m.ops);
    }
    const agent = real.registry.get(`${ROOT}.${id}`);
    assert.ok(agent);
    assert.equal(agent.timeout, timeout);
    assert.equal(agent.suspect, m.suspect, `agent ${id} suspect`);
    if (m.suspect !== null) assert.equal(agent.suspectSince, m.suspectSince);
    assert.equal(agent.flapping, m.flapping, `agent ${id} flapping`);
    assert.equal(agent.flapReason !== null, m.flapping);
    if (!m.expired && m.suspect === null) {
      // Not suspect now: not yet late by the rule (or it would have been swept suspect).
      const late = m.heardAt + Math.max(m.mean * (1 + SUSPECT_AFTER), SUSPECT_MIN);
      assert.ok(!(late < m.heardAt + timeout && model.listened > late), `agent ${id} late but not suspect`);
    }
    for (const op of Object.keys(m.ops)) {
      const field = real.registry.fieldName(agent, op);
      if (field) assert.equal(fieldNameProblem(field), null, `field ${field} passes verify`);
    }
  }
  // The dense table after forgetting (swap-remove): every agent at its own index, found by its address, none forgotten.
  const agents = real.registry.agents();
  assert.equal(agents.length, model.agents.size);
  for (let i = 0; i < agents.length; i++) {
    const agent = agents[i]!;
    assert.equal(agent.index, i, `${agent.address} knows its slot`);
    assert.equal(agent.forgotten, false);
    assert.equal(real.registry.get(agent.address), agent, `${agent.address} is found at its slot`);
  }
  // missing ⇔ expected and never heard; unexpected ⇔ heard and not named (expiry changes neither).
  assert.deepEqual(expected.missing(real.registry).map((a) => a.address), EXPECTED.filter((id) => !model.agents.has(id)).map((id) => `${ROOT}.${id}`));
  assert.deepEqual(
    expected.unexpected(real.registry).map((a) => a.agent_address).sort(),
    [...model.agents.keys()].filter((id) => !EXPECTED.includes(id)).map((id) => `${ROOT}.${id}`).sort(),
  );
  const all = [...model.agents.values()];
  assert.equal(real.registry.expiredCount, all.filter((a) => a.expired).length);
  assert.equal(real.registry.suspectCount, all.filter((a) => a.suspect !== null).length);
  assert.equal(real.registry.flappingCount, all.filter((a) => a.flapping).length);
  const json = JSON.stringify(table);
  assert.equal(JSON.stringify(JSON.parse(json)), json, 'entries survive a JSON round trip');
}

class Heartbeat implements fc.Command<Model, Real> {
  readonly id: string;
  readonly ops: Ops;
  readonly agentClass: string;
  constructor(id: string, ops: Ops, agentClass: string) {
    this.id = id;
    this.ops = ops;
    this.agentClass = agentClass;
  }
  check = () => true;
  run(model: Model, real: Real): void {
    const before = model.agents.get(this.id);
    const sessionId = before?.sessionId ?? 's0';
    // A known agent's class changes only with a restart.
    const agentClass = before?.agentClass ?? this.agentClass;
    const result = send(real, model, this.id, this.ops, sessionId, agentClass);
    heard(model, this.id, this.ops, sessionId, agentClass, result);
    checkInvariants(model, real);
  }
  toString = () => `Heartbeat(${this.id}, ${JSON.stringify(this.ops)}, ${this.agentClass})`;
}

/** Every agent that is not silent beats with its current ops (heard only while the registry listens), then 1 s passes. */
class Tick implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    for (const [id, m] of model.agents) {
      if (m.silent || !model.listening) continue;
      heard(model, id, m.ops, m.sessionId, m.agentClass, send(real, model, id, m.ops, m.sessionId, m.agentClass));
    }
    new Advance(1000).run(model, real);
  }
  toString = () => 'Tick';
}

class Advance implements fc.Command<Model, Real> {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check = () => true;
  run(model: Model, real: Real): void {
    model.now += this.ms / 1000;
    if (model.listening) model.listened += this.ms / 1000;
    sweep(model, real);
  }
  toString = () => `Advance(${this.ms})`;
}

/** The registry sweeps at model.now: expiries, suspects and settled flapping as the model says. */
function sweep(model: Model, real: Real): void {
  const changes = real.registry.expire(model.now);
  const plain = real.plain.expire(model.now);
  assert.equal(ocsView(changes), ocsView(plain), 'suspect and flapping change no expiry');
  const expected = { expired: [] as string[], suspected: [] as string[], settled: [] as string[], forgotten: [] as string[] };
  // While deaf the registry sweeps nothing at all.
  for (const [id, m] of model.listening ? model.agents : []) {
    if (m.expired) continue;
    const expiresAt = m.heardAt + timeoutOf(m.agentClass);
    const late = m.heardAt + Math.max(m.mean * (1 + SUSPECT_AFTER), SUSPECT_MIN);
    if (model.listened > expiresAt) {
      // It crossed the timeout in this (listened) step.
      Object.assign(m, { expired: true, expiredAt: model.now - (model.listened - expiresAt), suspect: null, suspectSince: Number.NaN });
      expected.expired.push(`${ROOT}.${id}`);
    } else if (late < expiresAt && model.listened > late && m.suspect !== 'late') {
      if (m.suspect === null) {
        m.suspectSince = late + (model.now - model.listened);
        expected.suspected.push(`${ROOT}.${id}`);
      }
      m.suspect = 'late';
    }
  }
  // Expired for more than FORGET_AFTER of listening time (it expired at heardAt + timeout on that clock): forgotten.
  for (const [id, m] of model.listening ? model.agents : []) {
    if (m.expired && model.listened - (m.heardAt + timeoutOf(m.agentClass)) > FORGET_AFTER) {
      model.agents.delete(id);
      expected.forgotten.push(`${ROOT}.${id}`);
    }
  }
  for (const [id, m] of model.listening ? model.agents : []) {
    if (m.flapping && m.flaps.filter((f) => model.now - f.at <= FLAP.window).length <= Math.floor(FLAP.limit / 2)) {
      m.flapping = false;
      expected.settled.push(`${ROOT}.${id}`);
    }
  }
  const of = (pick: (c: AgentChange) => boolean) => changes.filter(pick).map((c) => c.agent.address).sort();
  assert.deepEqual(of((c) => c.expired), expected.expired.sort(), 'exactly the newly silent agents expire, once');
  assert.deepEqual(of((c) => c.suspected), expected.suspected.sort(), 'exactly the newly late agents become suspect, once');
  assert.deepEqual(of((c) => c.stoppedFlapping), expected.settled.sort(), 'flapping agents settle once');
  assert.deepEqual(of((c) => c.forgotten), expected.forgotten.sort(), 'exactly the agents expired for more than forget-after are forgotten, once');
  for (const address of expected.forgotten) {
    assert.equal(real.registry.get(address), undefined, 'a forgotten agent is not found');
    assert.equal(real.registry.table()[address], undefined, 'a forgotten agent is gone from session.data');
  }
  for (const c of changes) if (c.forgotten) assert.equal(c.agent.forgotten, true);
  checkInvariants(model, real);
}

/** The registry's router link drops (or it is unsubscribed): heartbeats no longer reach it. */
class LinkDown implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => model.listening;
  run(model: Model, real: Real): void {
    real.registry.deafFrom(model.now);
    real.plain.deafFrom(model.now);
    model.listening = false;
    checkInvariants(model, real);
  }
  toString = () => 'LinkDown';
}

/** Rejoined and subscribed again (after a flap or a router restart). */
class LinkUp implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => !model.listening;
  run(model: Model, real: Real): void {
    real.registry.listenFrom(model.now, true);
    real.plain.listenFrom(model.now, true);
    model.listening = true;
    // Agents need a moment to reach a restarted router too: each live one heard since its last grace gets a full timeout, once.
    for (const m of model.agents.values()) {
      if (m.expired || m.graced) continue;
      m.graced = true;
      m.heardAt = Math.max(m.heardAt, model.listened);
    }
    checkInvariants(model, real);
  }
  toString = () => 'LinkUp';
}

/** The registry's own event loop stalls: `ms` of wall time in which it hears nothing, then it sweeps. */
class Stall implements fc.Command<Model, Real> {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check = (model: Readonly<Model>) => model.listening;
  run(model: Model, real: Real): void {
    for (const r of [real.registry, real.plain]) r.deafFrom(model.now);
    model.now += this.ms / 1000;
    for (const r of [real.registry, real.plain]) r.listenFrom(model.now);
    // A stall of its own expires nobody and makes nobody suspect (only flapping, on wall time, may settle).
    sweep(model, real);
  }
  toString = () => `Stall(${this.ms})`;
}

class Silence implements fc.Command<Model, Real> {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  check = (model: Readonly<Model>) => model.agents.has(this.id);
  run(model: Model): void {
    const agent = model.agents.get(this.id);
    if (agent) agent.silent = true;
  }
  toString = () => `Silence(${this.id})`;
}

/** The agent's WAMP session left the router (meta API): suspect at once, nothing else. */
class Leave implements fc.Command<Model, Real> {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  check = () => true;
  run(model: Model, real: Real): void {
    const m = model.agents.get(this.id);
    const result = real.registry.suspect(`${ROOT}.${this.id}`, model.now);
    const becomes = m !== undefined && !m.expired && m.suspect === null;
    assert.equal(result?.suspected ?? false, becomes, 'a leave makes a live agent suspect, once');
    if (m && becomes) Object.assign(m, { suspect: 'left', suspectSince: model.now });
    checkInvariants(model, real);
  }
  toString = () => `Leave(${this.id})`;
}

class Restart implements fc.Command<Model, Real> {
  readonly id: string;
  readonly ops: Ops;
  readonly agentClass: string;
  constructor(id: string, ops: Ops, agentClass: string) {
    this.id = id;
    this.ops = ops;
    this.agentClass = agentClass;
  }
  check = (model: Readonly<Model>) => model.agents.has(this.id);
  run(model: Model, real: Real): void {
    const sessionId = `s${++model.restarts}`;
    const result = send(real, model, this.id, this.ops, sessionId, this.agentClass);
    heard(model, this.id, this.ops, sessionId, this.agentClass, result);
    assert.equal(real.registry.get(`${ROOT}.${this.id}`)?.sessionId, sessionId);
    checkInvariants(model, real);
  }
  toString = () => `Restart(${this.id}, ${JSON.stringify(this.ops)}, ${this.agentClass})`;
}

const BAD_EVENTS: Record<string, (id: string) => [unknown, unknown]> = {
  notArray: (id) => [`${ROOT}.${id}.feeds.heartbeat`, { 0: 1 }],
  wrongArity: (id) => [`${ROOT}.${id}.feeds.heartbeat`, [[{ acq: 1 }]]],
  codeOutOfRange: (id) => [`${ROOT}.${id}.feeds.heartbeat`, [[{ acq: 99 }, feedFor(`${ROOT}.${id}`)]]],
  codeNaN: (id) => [`${ROOT}.${id}.feeds.heartbeat`, [[{ acq: Number.NaN }, feedFor(`${ROOT}.${id}`)]]],
  spoofed: (id) => [`${ROOT}.other.feeds.heartbeat`, [[{ acq: 1 }, feedFor(`${ROOT}.${id}`)]]],
  deepTopic: (id) => [`${ROOT}.${id}.x.feeds.heartbeat`, [[{ acq: 1 }, feedFor(`${ROOT}.${id}.x`)]]],
  feedNotObject: (id) => [`${ROOT}.${id}.feeds.heartbeat`, [[{ acq: 1 }, 'feed']]],
  classNotString: (id) => [`${ROOT}.${id}.feeds.heartbeat`, [[{}, { ...feedFor(`${ROOT}.${id}`), agent_class: 5 }]]],
};

class BadEvent implements fc.Command<Model, Real> {
  readonly kind: string;
  readonly id: string;
  constructor(kind: string, id: string) {
    this.kind = kind;
    this.id = id;
  }
  check = () => true;
  run(model: Model, real: Real): void {
    const before = JSON.stringify(real.registry.table());
    const [topic, args] = (BAD_EVENTS[this.kind] as (id: string) => [unknown, unknown])(this.id);
    const result = real.registry.ingest(topic, args, model.now);
    real.plain.ingest(topic, args, model.now);
    assert.equal(result?.kind, 'rejected');
    assert.equal(JSON.stringify(real.registry.table()), before, 'rejected input changes nothing');
    checkInvariants(model, real);
  }
  toString = () => `BadEvent(${this.kind}, ${this.id})`;
}

const ids = fc.constantFrom('a', 'b', 'fake-data1', 'faker-1', 'faker_1', 'x9');
const opName = fc.oneof(
  fc.constantFrom('acq', 'count', 'set_heartbeat', 'delay_task', 'main', 'x-y', 'op 1', '1st'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/),
);
const ops = fc.dictionary(opName, fc.integer({ min: 1, max: 8 }), { maxKeys: 6, noNullPrototype: true });
const classes = fc.constantFrom('FakeDataAgent', 'AggregatorAgent');
const heartbeatCmd = fc.tuple(ids, ops, classes).map(([id, o, c]) => new Heartbeat(id, o, c));
const tick = fc.constant(new Tick());
// Steps of 1/8 s are exact in binary floating point, so the strict
// "more than the timeout" boundary is hit exactly, not blurred by rounding.
const advance = fc.oneof(fc.integer({ min: 1, max: 56 }).map((k) => k * 125), fc.constant(TIMEOUT * 1000)).map((ms) => new Advance(ms));
const restart = fc.tuple(ids, ops, classes).map(([id, o, c]) => new Restart(id, o, c));
// Weighted by repetition: ticks and restarts often enough that agents get
// an interval, fall silent and suspect, and flap within the window.
const commands = [
  heartbeatCmd,
  tick,
  tick,
  tick,
  advance,
  advance,
  ids.map((id) => new Silence(id)),
  ids.map((id) => new Leave(id)),
  restart,
  restart,
  fc.tuple(fc.constantFrom(...Object.keys(BAD_EVENTS)), ids).map(([k, id]) => new BadEvent(k, id)),
  fc.constant(new LinkDown()),
  fc.constant(new LinkUp()),
  fc.integer({ min: 1, max: 80 }).map((k) => new Stall(k * 125)),
];

describe('Registry core against a reference model', () => {
  it('keeps every invariant over random command sequences', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`registry model test: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80, size: 'large' }), (cmds) => {
        const model: Model = { now: T0, listened: T0, listening: true, agents: new Map(), restarts: 0 };
        const common = { addressRoot: ROOT, agentTimeout: TIMEOUT, classTimeouts: CLASS_TIMEOUTS, forgetAfter: FORGET_AFTER };
        const real: Real = {
          registry: new Registry({ ...common, suspectAfter: SUSPECT_AFTER, suspectMinSeconds: SUSPECT_MIN, flapping: FLAP }),
          plain: new Registry({ ...common, suspectAfter: Number.POSITIVE_INFINITY, flapping: { limit: 1e9, window: 1 } }),
        };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { seed, numRuns: 300, path: process.env.FC_PATH, endOnFailure: false },
    );
  });
});
