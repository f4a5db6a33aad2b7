// The hostile-input tier: over the real wire, through a router (a real
// crossbar or the simulator endpoint), clients speaking every serializer send
// the registry malformed and hostile heartbeats, floods and bad calls, while
// honest agents beat beside them. The registry must never lose its router
// connection because of them, the honest agents' state must not change, every
// refused event is counted by its reason, and memory stays bounded.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import process from 'node:process';
import { FakeDataAgent } from '../../sim/agents/fake-data.ts';
import { REJECTION_REASONS, type RejectionReason } from '../../src/core/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { Reconnector } from '../../src/wamp/reconnect.ts';
import { cbor, json, msgpack, type WampSerializer } from '../../src/wamp/serializers/index.ts';
import { type Args, WampError, type WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { withInvalidUtf8 } from '../support/spoiled.ts';

export interface HostileRouter {
  wsUrl: string;
  close(): Promise<void>;
}

const REALM = 'test_realm';
const ROOT = 'observatory';
/** Hostile events per serializer by default (HOSTILE_EVENTS overrides): the simulator's tier alone makes 100k+ per run. */
const DEFAULT_EVENTS_PER_SERIALIZER = 36_000;
/** Agents the registry accepts: the honest ones and room for part of the flood. */
const MAX_AGENTS = 1_000;
/** The process (registry, honest agents and attackers together) stays under this. */
export const RSS_BOUND_BYTES = 768 * 1024 * 1024;
const HONEST = ['honest-1', 'honest-2', 'honest-3'];
/** Hostile events the registry may be behind the attacker before it waits. */
const LAG = 400;

const feed = (address: string, extra: Record<string, unknown> = {}) => ({
  agent_address: address,
  agg_params: {},
  feed_name: 'heartbeat',
  address: `${address}.feeds.heartbeat`,
  record: false,
  session_id: '1700000000.5',
  agent_class: 'Attacker',
  ...extra,
});
const topicOf = (id: string) => `${ROOT}.${id}.feeds.heartbeat`;
const HUGE = 'x'.repeat(64 * 1024);
const MANY_OPS = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`op${i}`, 1]));

/** One hostile heartbeat: its topic, its args, and the reason the registry must refuse it with (null: it is a valid flood heartbeat). */
type Hostile = (n: number) => [topic: string, args: Args, reason: RejectionReason | null];

const KINDS: Record<string, Hostile> = {
  noArgs: (n) => [topicOf(`a${n % 50}`), [], 'malformed_event'],
  notAPair: (n) => [topicOf(`a${n % 50}`), [5], 'malformed_event'],
  shortPair: (n) => [topicOf(`a${n % 50}`), [[{ acq: 1 }]], 'malformed_event'],
  nanCode: (n) => [topicOf(`a${n % 50}`), [[{ acq: Number.NaN }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_code'],
  infiniteCode: (n) => [topicOf(`a${n % 50}`), [[{ acq: Infinity }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_code'],
  negInfiniteCode: (n) => [topicOf(`a${n % 50}`), [[{ acq: -Infinity }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_code'],
  stringCode: (n) => [topicOf(`a${n % 50}`), [[{ acq: '3' }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_code'],
  fractionCode: (n) => [topicOf(`a${n % 50}`), [[{ acq: 2.5 }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_code'],
  opCodesList: (n) => [topicOf(`a${n % 50}`), [[[1, 2], feed(`${ROOT}.a${n % 50}`)]], 'bad_op_codes'],
  feedNotObject: (n) => [topicOf(`a${n % 50}`), [[{ acq: 1 }, 'feed']], 'bad_feed'],
  nanSession: (n) => [topicOf(`a${n % 50}`), [[{ acq: 1 }, feed(`${ROOT}.a${n % 50}`, { session_id: Number.NaN })]], 'bad_feed'],
  classNumber: (n) => [topicOf(`a${n % 50}`), [[{ acq: 1 }, feed(`${ROOT}.a${n % 50}`, { agent_class: 5 })]], 'bad_feed'],
  // Another agent's topic with the attacker's address in the feed, and the reverse.
  spoofedTopic: (n) => [topicOf(HONEST[n % 3] as string), [[{ acq: 7 }, feed(`${ROOT}.attacker`)]], 'topic_mismatch'],
  spoofedFeed: (n) => [topicOf(`a${n % 50}`), [[{ acq: 7 }, feed(`${ROOT}.${HONEST[n % 3]}`)]], 'topic_mismatch'],
  hugeAddress: () => [topicOf(HUGE.slice(0, 300)), [[{ acq: 1 }, feed(`${ROOT}.${HUGE.slice(0, 300)}`)]], 'bad_address'],
  // Valid heartbeats from ever new addresses: joined while there is room, then refused or let in by forgetting expired ones.
  addressFlood: (n) => [topicOf(`flood-${n}`), [[{ acq: 1 }, feed(`${ROOT}.flood-${n}`)]], null],
};
const KIND_NAMES = Object.keys(KINDS);

/**
 * The big ones (64 KiB strings, 1500 ops: 20-70 KB each on the wire) cost a
 * real crossbar about five times a small one to route (its Python decodes and
 * re-encodes every event). Each comes once per BIG_EVERY events (1,700 of
 * each, ~250 MB in all, per 102k events): enough to load memory and every
 * size check, without turning the tier into a bandwidth test of the router.
 */
const BIG: Record<string, Hostile> = {
  hugeOpName: (n) => [topicOf(`a${n % 50}`), [[{ [HUGE]: 1 }, feed(`${ROOT}.a${n % 50}`)]], 'bad_op_name'],
  manyOps: (n) => [topicOf(`a${n % 50}`), [[MANY_OPS, feed(`${ROOT}.a${n % 50}`)]], 'too_many_ops'],
  hugeClass: (n) => [topicOf(`a${n % 50}`), [[{ acq: 1 }, feed(`${ROOT}.a${n % 50}`, { agent_class: HUGE })]], 'bad_feed'],
};
const BIG_NAMES = Object.keys(BIG);
const BIG_EVERY = Number(process.env.HOSTILE_BIG_EVERY ?? 60);

/** The n-th hostile event of a run: a big one at a fixed rate, the small kinds in turn otherwise. */
function hostileEvent(n: number): Hostile {
  const slot = n % BIG_EVERY;
  if (slot < BIG_NAMES.length) return BIG[BIG_NAMES[slot] as string] as Hostile;
  return KINDS[KIND_NAMES[n % KIND_NAMES.length] as string] as Hostile;
}

/**
 * Calls to the registry that are wrong in shape or in value: each must come
 * back as an error or a refusal (the management procedure answers an unknown
 * request with null, as Python does), never hang or cost the session.
 */
const BAD_CALLS: Array<[procedure: string, args: Args, kwargs?: Record<string, unknown>]> = [
  [`${ROOT}.registry.ops`, []],
  [`${ROOT}.registry.ops`, ['status']],
  [`${ROOT}.registry.ops`, [5, 'main']],
  [`${ROOT}.registry.ops`, ['status', 'nope']],
  [`${ROOT}.registry.ops`, ['start', 'main', [1, 2]]],
  [`${ROOT}.registry.ops`, ['start', 'main', { test_mode: Number.NaN }]],
  [`${ROOT}.registry.ops`, ['wait', 'main', {}], { timeout: Number.NaN }],
  [`${ROOT}.registry.ops`, ['frobnicate', 'main']],
  [`${ROOT}.registry`, []],
  [`${ROOT}.registry`, [{ x: 1 }]],
  [`${ROOT}.registry`, ['no_such_management_call']],
];

interface Registered {
  registry: RegistryAgent;
  connection: Reconnector;
  states: string[];
  /** Resolves once `count` hostile events (not the honest agents' heartbeats) have reached the registry's handler. */
  delivered(count: number, what: string): Promise<void>;
}

const HONEST_TOPICS = new Set(HONEST.map((id) => topicOf(id)));
/** An honest agent's heartbeat: on its topic, from its own address (spoofedTopic events use the topic, not the address). */
function isHonest(topic: string, args: Args): boolean {
  if (!HONEST_TOPICS.has(topic)) return false;
  const feed = (args[0] as [unknown, { agent_address?: unknown }] | undefined)?.[1];
  return `${feed?.agent_address}.feeds.heartbeat` === topic;
}

async function startRegistry(wsUrl: string): Promise<Registered> {
  const registry = new RegistryAgent({
    address: `${ROOT}.registry`,
    addressRoot: ROOT,
    clock: systemClock,
    hostname: 'hostile-tier',
    pid: process.pid,
    maxAgents: MAX_AGENTS,
  });
  // Pacing waits on deliveries, woken by each one: no polling, so the router never idles for a poll interval.
  let hostile = 0;
  let waiter: { count: number; wake: () => void } | null = null;
  const handle = registry.heartbeatHandler;
  registry.heartbeatHandler = (args, kwargs, details) => {
    if (!isHonest(details.topic ?? '', args)) hostile++;
    handle(args, kwargs, details);
    if (waiter !== null && hostile >= waiter.count) {
      waiter.wake();
      waiter = null;
    }
  };
  const delivered = (count: number, what: string) => {
    if (hostile >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // A safety net against a registry that stopped hearing, not a synchronisation delay.
      const timer = setTimeout(() => reject(new Error(`not within 60 s: ${what} (${hostile} of ${count} delivered)`)), 60_000);
      waiter = {
        count,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  };
  const states: string[] = [];
  const connection = new Reconnector({
    clock: systemClock,
    // As the service does: JSON, crossbar's message limit, bad frames counted.
    connect: async () =>
      WampPeer.join(await WebSocketTransport.connect(wsUrl, { onBadFrame: (reason, detail) => registry.badFrame(reason, detail) }), REALM, {
        onResultTooBig: (procedure, error) => registry.resultTooBig(procedure, error.bytes, error.limit),
      }),
    onJoin: (session) => registry.join(session),
  });
  connection.onState((state, detail) => states.push(`${state} (${detail})`));
  connection.start();
  for (let i = 0; i < 200 && connection.state !== 'joined'; i++) await pause(50);
  assert.equal(connection.state, 'joined', states.join('; '));
  return { registry, connection, states, delivered };
}

/** Wait for I/O (not for time to pass in the system under test: the checks below are all "eventually" on counters). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await pause(50);
  }
}

async function attacker(wsUrl: string, serializer: WampSerializer): Promise<WampSession> {
  return WampPeer.join(await WebSocketTransport.connect(wsUrl, { serializers: [serializer], maxMessageBytes: 0 }), REALM);
}

export function hostileTier(
  name: string,
  start: () => Promise<HostileRouter>,
  options: { skip?: string | false; eventsPerSerializer?: number } = {},
): void {
  const EVENTS_PER_SERIALIZER = Number(process.env.HOSTILE_EVENTS ?? options.eventsPerSerializer ?? DEFAULT_EVENTS_PER_SERIALIZER);
  describe(`hostile tier: ${name}`, { skip: options.skip }, () => {
    let router: HostileRouter;
    let target: Registered;
    const honest: { agent: FakeDataAgent; session: WampSession }[] = [];
    const sent = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<RejectionReason, number>;
    let floodSent = 0;
    let numbered = 0;
    let peakRss = 0;
    let honestBefore: Record<string, { op_codes: unknown; restarts: number; agent_class: string | null }> = {};
    const counters = () => target.registry.registry.counters;
    const sentTotal = () => Object.values(sent).reduce((a, b) => a + b, 0) + floodSent;

    before(async () => {
      router = await start();
      target = await startRegistry(router.wsUrl);
      for (const id of HONEST) {
        const agent = new FakeDataAgent({ address: `${ROOT}.${id}`, clock: systemClock });
        const session = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl), REALM);
        await agent.agent.join(session);
        honest.push({ agent, session });
      }
      await eventually(() => HONEST.every((id) => target.registry.registry.get(`${ROOT}.${id}`) !== undefined), 'the honest agents tracked');
      honestBefore = Object.fromEntries(HONEST.map((id) => {
        const a = target.registry.registry.get(`${ROOT}.${id}`)!;
        return [id, { op_codes: a.op_codes, restarts: a.restarts, agent_class: a.agent_class }];
      }));
    });

    after(async () => {
      for (const h of honest) {
        await h.agent.agent.leave().catch(() => {});
        await h.session.leave().catch(() => {});
      }
      await target?.registry.leave().catch(() => {});
      await target?.connection.stop();
      await router?.close();
    });

    for (const serializer of [json, msgpack, cbor]) {
      it(`${EVENTS_PER_SERIALIZER} hostile heartbeats in ${serializer.protocol}: each refused and counted by reason`, async () => {
        const session = await attacker(router.wsUrl, serializer);
        try {
          for (let n = 0; n < EVENTS_PER_SERIALIZER; n++) {
            // Numbered across the run, so every flood address is new.
            const [topic, args, reason] = hostileEvent(n)(numbered++);
            if (reason === null) floodSent++;
            else sent[reason]++;
            session.publish(topic, args);
            // Flow control: every 100 events wait for the router to have taken them (an acknowledged publish)
            // and for the registry to be at most LAG behind (~1 MB of these events): what is measured is the
            // registry, not router queues (the simulator cuts off a peer with over 8 MiB unread, as a guard).
            if (n % 100 === 99) {
              await session.publishAcknowledged(`${ROOT}.attacker.pacing`, []);
              await target.delivered(sentTotal() - LAG, `the registry keeps up within ${LAG} events`);
              peakRss = Math.max(peakRss, process.memoryUsage().rss);
            }
          }
          await session.publishAcknowledged(`${ROOT}.attacker.pacing`, []);
        } finally {
          await session.leave().catch(() => {});
        }
        const c = counters();
        await eventually(
          () => REJECTION_REASONS.every((r) => r === 'registry_full' || c.rejected[r] === sent[r]),
          `every hostile event counted by its reason: sent ${JSON.stringify(sent)}, counted ${JSON.stringify(c.rejected)}`,
        );
        assert.deepEqual(
          Object.fromEntries(REJECTION_REASONS.filter((r) => r !== 'registry_full').map((r) => [r, c.rejected[r]])),
          Object.fromEntries(REJECTION_REASONS.filter((r) => r !== 'registry_full').map((r) => [r, sent[r]])),
        );
      });
    }

    it('the address flood: every flood heartbeat joined (maybe by forgetting an expired one) or refused as registry_full; the table holds', async () => {
      const c = target.registry.registry.counters;
      const floodIn = target.registry.registry.agents().filter((a) => a.agent_address.startsWith(`${ROOT}.flood-`)).length;
      // A flood address seen twice is a heartbeat of a known agent; count what the registry saw of the flood.
      assert.ok(c.joined + c.rejected.registry_full >= Math.min(floodSent, MAX_AGENTS), JSON.stringify({ floodSent, c }));
      assert.ok(target.registry.registry.size <= MAX_AGENTS);
      assert.ok(floodIn > 0);
    });

    it('bad calls come back as errors; the registry still answers', async () => {
      const caller = await attacker(router.wsUrl, msgpack);
      try {
        for (const [procedure, args, kwargs] of BAD_CALLS) {
          const outcome = await caller.call(procedure, args, kwargs).then((r) => r.args[0], (e: unknown) => e);
          const refused = outcome instanceof WampError || (Array.isArray(outcome) && outcome[0] !== 0) ||
            (procedure === `${ROOT}.registry` && outcome === null);
          assert.ok(refused, `${procedure} ${JSON.stringify(args).slice(0, 200)}: ${JSON.stringify(outcome).slice(0, 300)}`);
        }
        // The deprecated task accepts any address, as Python's does; 64 KiB of it costs a bounded log line.
        const started = await caller.call(`${ROOT}.registry.ops`, ['start', 'register_agent', { agent_address: HUGE }]);
        assert.equal((started.args[0] as [number])[0], 0);
        const status = await caller.call(`${ROOT}.registry.ops`, ['status', 'main']);
        assert.equal((status.args[0] as [number])[0], 0);
      } finally {
        await caller.leave().catch(() => {});
      }
    });

    it('invalid UTF-8 in msgpack and CBOR costs only its sender (the router drops it)', async () => {
      for (const serializer of [msgpack, cbor]) {
        const sender = await attacker(router.wsUrl, withInvalidUtf8(serializer));
        const closed = new Promise<string>((resolve) => sender.onClose(resolve));
        sender.publish(topicOf('utf8'), [[{ BADUTF8: 1 }, feed(`${ROOT}.utf8`)]]);
        await closed;
      }
      assert.equal(target.registry.registry.get(`${ROOT}.utf8`), undefined);
      assert.equal(target.connection.state, 'joined');
    });

    it('a message over the router limit costs only its sender', async () => {
      const careless = await attacker(router.wsUrl, msgpack);
      const closed = new Promise<string>((resolve) => careless.onClose(resolve));
      careless.publish(topicOf('big'), ['z'.repeat(2 ** 24 + 10)]);
      await closed;
      assert.equal(target.connection.state, 'joined');
    });

    it('afterwards: no reconnect, honest agents unchanged and alive, memory bounded', async () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      assert.equal(target.connection.joins, 1, `the registry never rejoined: ${target.states.join('; ')}`);
      assert.equal(target.connection.state, 'joined');
      assert.equal(target.registry.ready, true);
      for (const id of HONEST) {
        const a = target.registry.registry.get(`${ROOT}.${id}`)!;
        assert.equal(a.expired, false, `${id} alive`);
        assert.deepEqual({ op_codes: a.op_codes, restarts: a.restarts, agent_class: a.agent_class }, honestBefore[id], `${id} unchanged`);
        assert.ok(systemClock.now() - a.last_updated < 3, `${id} heard lately`);
      }
      assert.ok(peakRss < RSS_BOUND_BYTES, `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB under ${RSS_BOUND_BYTES / 2 ** 20} MiB`);
      console.log(
        `hostile tier ${name}: ${Object.values(sent).reduce((a, b) => a + b, 0) + floodSent} events (${floodSent} flood), ` +
          `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, counters ${JSON.stringify(target.registry.registry.counters.rejected)}, ` +
          `joined ${target.registry.registry.counters.joined}, forgotten ${target.registry.registry.counters.forgotten}`,
      );
    });
  });
}
