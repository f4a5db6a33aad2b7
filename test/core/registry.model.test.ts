// Model-based property test: random command sequences run against a tiny
// reference model written from docs/ocs-protocol.md (§3) and against the core.
// Replay a failure with FC_SEED=<seed> (and FC_PATH=<path> to shrink straight to it).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import fc from 'fast-check';
import { fieldNameProblem } from '../../src/core/field-name.ts';
import { Registry } from '../../src/core/registry.ts';
import { feedFor, ROOT } from '../support/heartbeats.ts';

const TIMEOUT = 5;
const T0 = 1_700_000_000;

interface ModelAgent {
  lastHeard: number;
  /** The listening clock when last heard: silence counts only while the registry listens. */
  heardAt: number;
  /** Wall time its listened silence crossed the timeout. */
  expiredAt: number;
  ops: Record<string, number>;
  sessionId: string;
  expired: boolean;
  silent: boolean;
}
interface Model {
  now: number;
  /** Listening clock: advances only while the registry is subscribed (not while its link is down or it stalls). */
  listened: number;
  listening: boolean;
  agents: Map<string, ModelAgent>;
  restarts: number;
}
interface Real {
  registry: Registry;
}

type Ops = Record<string, number>;

function send(real: Real, model: Model, id: string, ops: Ops, sessionId: string) {
  const address = `${ROOT}.${id}`;
  return real.registry.ingest(`${address}.feeds.heartbeat`, [[ops, feedFor(address, 'FakeDataAgent', sessionId)]], model.now);
}

/** The model's view after a heartbeat: alive, with these live codes. */
function heard(model: Model, id: string, ops: Ops, sessionId: string): ModelAgent {
  const agent = model.agents.get(id) ?? { lastHeard: 0, heardAt: 0, expiredAt: 0, ops: {}, sessionId, expired: false, silent: false };
  Object.assign(agent, { lastHeard: model.now, heardAt: model.listened, ops, sessionId, expired: false, silent: false });
  model.agents.set(id, agent);
  return agent;
}

function checkInvariants(model: Model, real: Real): void {
  const table = real.registry.table();
  assert.equal(Object.keys(table).length, model.agents.size);
  for (const [id, m] of model.agents) {
    const entry = table[`${ROOT}.${id}`];
    assert.ok(entry, `agent ${id} is listed`);
    // expired ⇔ silent for more than the timeout of time the registry listened
    assert.equal(entry.expired, model.listened - m.heardAt > TIMEOUT, `agent ${id} expired flag`);
    assert.equal(entry.expired, m.expired);
    assert.equal(entry.last_updated, m.lastHeard);
    if (m.expired) {
      assert.equal(entry.time_expired, m.expiredAt);
      assert.ok(m.expiredAt >= m.lastHeard + TIMEOUT, 'never before a full timeout of wall time');
      assert.deepEqual(entry.op_codes, Object.fromEntries(Object.keys(m.ops).map((k) => [k, 7])));
    } else {
      assert.equal(entry.time_expired, null);
      assert.deepEqual(entry.op_codes, m.ops);
    }
    const agent = real.registry.get(`${ROOT}.${id}`);
    for (const op of Object.keys(m.ops)) {
      const field = agent && real.registry.fieldName(agent, op);
      if (field) assert.equal(fieldNameProblem(field), null, `field ${field} passes verify`);
    }
  }
  assert.equal(real.registry.expiredCount, [...model.agents.values()].filter((a) => a.expired).length);
  const json = JSON.stringify(table);
  assert.equal(JSON.stringify(JSON.parse(json)), json, 'entries survive a JSON round trip');
}

class Heartbeat implements fc.Command<Model, Real> {
  readonly id: string;
  readonly ops: Ops;
  constructor(id: string, ops: Ops) {
    this.id = id;
    this.ops = ops;
  }
  check = () => true;
  run(model: Model, real: Real): void {
    const before = model.agents.get(this.id);
    const wasExpired = before?.expired ?? false;
    const result = send(real, model, this.id, this.ops, before?.sessionId ?? 's0');
    assert.notEqual(result?.kind, 'rejected');
    heard(model, this.id, this.ops, before?.sessionId ?? 's0');
    if (!before) assert.equal(result?.kind === 'changed' && result.joined, true);
    if (wasExpired) assert.equal(result?.kind === 'changed' && result.revived, true, 'a heartbeat revives');
    checkInvariants(model, real);
  }
  toString = () => `Heartbeat(${this.id}, ${JSON.stringify(this.ops)})`;
}

/** Every agent that is not silent beats with its current ops (heard only while the registry listens), then 1 s passes. */
class Tick implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    for (const [id, m] of model.agents) {
      if (m.silent || !model.listening) continue;
      send(real, model, id, m.ops, m.sessionId);
      heard(model, id, m.ops, m.sessionId);
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
    const expired = advance(model, real, this.ms / 1000).sort();
    const expected: string[] = [];
    for (const [id, m] of model.agents) {
      if (!m.expired && model.listened - m.heardAt > TIMEOUT) {
        m.expired = true;
        // It crossed the timeout in this (listened) step.
        m.expiredAt = model.now - (model.listened - (m.heardAt + TIMEOUT));
        expected.push(`${ROOT}.${id}`);
      }
    }
    assert.deepEqual(expired, expected.sort(), 'exactly the newly silent agents expire, once');
    checkInvariants(model, real);
  }
  toString = () => `Advance(${this.ms})`;
}

/** Time passes on the wall clock (and on the listening clock if the registry listens); the registry sweeps. */
function advance(model: Model, real: Real, seconds: number): string[] {
  model.now += seconds;
  if (model.listening) model.listened += seconds;
  return real.registry.expire(model.now).map((c) => c.agent.address);
}

/** The registry's router link drops (or it is unsubscribed): heartbeats no longer reach it. */
class LinkDown implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => model.listening;
  run(model: Model, real: Real): void {
    real.registry.deafFrom(model.now);
    model.listening = false;
    checkInvariants(model, real);
  }
  toString = () => 'LinkDown';
}

/** Rejoined and subscribed again (after a flap or a router restart). */
class LinkUp implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => !model.listening;
  run(model: Model, real: Real): void {
    real.registry.listenFrom(model.now);
    model.listening = true;
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
    real.registry.deafFrom(model.now);
    model.now += this.ms / 1000;
    real.registry.listenFrom(model.now);
    assert.deepEqual(real.registry.expire(model.now), [], 'a stall of its own expires nobody');
    checkInvariants(model, real);
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

class Restart implements fc.Command<Model, Real> {
  readonly id: string;
  readonly ops: Ops;
  constructor(id: string, ops: Ops) {
    this.id = id;
    this.ops = ops;
  }
  check = (model: Readonly<Model>) => model.agents.has(this.id);
  run(model: Model, real: Real): void {
    const sessionId = `s${++model.restarts}`;
    const result = send(real, model, this.id, this.ops, sessionId);
    assert.equal(result?.kind === 'changed' && result.restarted, true, 'a new session_id is a restart');
    heard(model, this.id, this.ops, sessionId);
    assert.equal(real.registry.get(`${ROOT}.${this.id}`)?.sessionId, sessionId);
    checkInvariants(model, real);
  }
  toString = () => `Restart(${this.id}, ${JSON.stringify(this.ops)})`;
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
const commands = [
  fc.tuple(ids, ops).map(([id, o]) => new Heartbeat(id, o)),
  fc.constant(new Tick()),
  // Steps of 1/8 s are exact in binary floating point, so the strict
  // "more than the timeout" boundary is hit exactly, not blurred by rounding.
  fc.oneof(fc.integer({ min: 1, max: 56 }).map((k) => k * 125), fc.constant(TIMEOUT * 1000)).map((ms) => new Advance(ms)),
  ids.map((id) => new Silence(id)),
  fc.tuple(ids, ops).map(([id, o]) => new Restart(id, o)),
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
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const model: Model = { now: T0, listened: 0, listening: true, agents: new Map(), restarts: 0 };
        const real: Real = { registry: new Registry({ addressRoot: ROOT, agentTimeout: TIMEOUT }) };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { seed, numRuns: 300, path: process.env.FC_PATH, endOnFailure: false },
    );
  });
});
