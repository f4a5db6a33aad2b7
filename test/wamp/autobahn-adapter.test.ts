// The autobahn-js adapter and WampPeer, through the same WampSession seam,
// against the simulator endpoint over real WebSockets on 127.0.0.1: one
// table of behaviours, run with both clients and mixed pairs; every pair
// must see the same thing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { connectAutobahn, setAutobahnWarn } from '../../bench/support/autobahn-session.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { type Args, CallResult, type EventDetails, type Kwargs, WampError, type WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';

const REALM = 'test_realm';
type Connect = (url: string) => Promise<WampSession>;
const peer: Connect = async (url) => WampPeer.join(await WebSocketTransport.connect(url), REALM);
const autobahn: Connect = (url) => connectAutobahn(url, REALM);

/** [name, client for session a, client for session b] */
const PAIRS: Array<[string, Connect, Connect]> = [
  ['WampPeer', peer, peer],
  ['autobahn', autobahn, autobahn],
  ['autobahn a, WampPeer b', autobahn, peer],
  ['WampPeer a, autobahn b', peer, autobahn],
];

interface Case {
  name: string;
  /** Needs an endpoint of its own (it shuts the router down). */
  ownEndpoint?: boolean;
  run(a: WampSession, b: WampSession, endpoint: SimEndpoint): Promise<unknown>;
  expected: unknown;
}

/** A promise and its resolver: events are awaited, never slept for. */
function signal<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Collects `count` events, then resolves with them. */
function collect(count: number): { handler: (args: Args, kwargs: Kwargs, details: EventDetails) => void; done: Promise<unknown[]> } {
  const seen: unknown[] = [];
  const done = signal<unknown[]>();
  return {
    handler: (args) => {
      seen.push(args);
      if (seen.length === count) done.resolve(seen);
    },
    done: done.promise,
  };
}

async function failure(promise: Promise<unknown>): Promise<{ wampError: boolean; error: string; args: Args; kwargs: Kwargs }> {
  try {
    await promise;
  } catch (err) {
    const e = err as WampError;
    return { wampError: err instanceof WampError, error: e.error, args: e.args, kwargs: e.kwargs };
  }
  assert.fail('expected a WampError');
}

const CASES: Case[] = [
  {
    name: 'a wildcard subscription gets each event with details.topic',
    async run(a, b) {
      const got = signal<{ args: Args; kwargs: Kwargs; details: EventDetails }>();
      await a.subscribe('observatory..feeds.heartbeat', (args, kwargs, details) => got.resolve({ args, kwargs, details }), { match: 'wildcard' });
      b.publish('observatory.fake1.feeds.other', [0]); // does not match: must not arrive first
      b.publish('observatory.fake1.feeds.heartbeat', [[{ acq: 1 }, { agent_address: 'observatory.fake1' }]], { k: 'v' });
      const { args, kwargs, details } = await got.promise;
      return { args, kwargs, topic: details.topic, publication: typeof details.publication };
    },
    expected: {
      args: [[{ acq: 1 }, { agent_address: 'observatory.fake1' }]],
      kwargs: { k: 'v' },
      topic: 'observatory.fake1.feeds.heartbeat',
      publication: 'number',
    },
  },
  {
    name: 'an RPC round trip carries plain, multi-valued and async results',
    async run(a, b) {
      await b.register('observatory.fake1.add', (args) => (args[0] as number) + (args[1] as number));
      await b.register('observatory.fake1.multi', (args, kwargs) => new CallResult(['ok', args.length], { echo: kwargs }));
      await b.register('observatory.fake1.later', async (args) => `later ${String(args[0])}`);
      await b.register('observatory.fake2.', (_args, _kwargs, details) => details.procedure, { match: 'prefix' });
      const plain = await a.call('observatory.fake1.add', [1, 2]);
      const multi = await a.call('observatory.fake1.multi', [1, 2, 3], { x: 1 });
      const later = await a.call('observatory.fake1.later', ['on']);
      const prefix = await a.call('observatory.fake2.ops');
      return {
        plain: [plain instanceof CallResult, plain.args, plain.kwargs],
        multi: [multi.args, multi.kwargs],
        later: later.args,
        prefix: prefix.args,
      };
    },
    expected: {
      plain: [true, [3], {}],
      multi: [['ok', 3], { echo: { x: 1 } }],
      later: ['later on'],
      prefix: ['observatory.fake2.ops'],
    },
  },
  {
    name: 'WAMP errors reach the caller as WampErrors with their URI and payload',
    async run(a, b) {
      await b.register('observatory.fake1.refuse', () => {
        throw new WampError('ocs.error.refused', ['not now'], { code: 7 });
      });
      await b.register('observatory.fake1.crash', () => {
        throw new Error('boom');
      });
      await b.register('observatory.fake1.reject', async () => {
        throw new WampError('ocs.error.late', ['too late']);
      });
      return {
        refused: await failure(a.call('observatory.fake1.refuse')),
        crashed: await failure(a.call('observatory.fake1.crash')),
        rejected: await failure(a.call('observatory.fake1.reject')),
        missing: (await failure(a.call('observatory.nobody.here'))).error,
      };
    },
    expected: {
      refused: { wampError: true, error: 'ocs.error.refused', args: ['not now'], kwargs: { code: 7 } },
      crashed: { wampError: true, error: 'wamp.error.runtime_error', args: ['boom'], kwargs: {} },
      rejected: { wampError: true, error: 'ocs.error.late', args: ['too late'], kwargs: {} },
      missing: 'wamp.error.no_such_procedure',
    },
  },
  {
    name: 'a publisher does not get its own events unless exclude_me is false',
    async run(a, b) {
      const self = collect(1);
      const other = collect(2);
      await a.subscribe('observatory.fake1.feeds.f', self.handler);
      await b.subscribe('observatory.fake1.feeds.f', other.handler);
      a.publish('observatory.fake1.feeds.f', [1]);
      a.publish('observatory.fake1.feeds.f', [2], undefined, { exclude_me: false });
      // Same connection, same order: had [1] reached a, it would come first.
      return { self: await self.done, other: await other.done };
    },
    expected: { self: [[2]], other: [[1], [2]] },
  },
  {
    name: 'an acknowledged publish resolves with the publication id',
    async run(a, b) {
      const got = collect(1);
      await b.subscribe('observatory.fake1.feeds.acked', got.handler);
      const id = await a.publishAcknowledged('observatory.fake1.feeds.acked', ['x']);
      return { id: Number.isInteger(id) && id > 0, events: await got.done };
    },
    expected: { id: true, events: [['x']] },
  },
  {
    name: 'leaving reports the reason once; afterwards calls fail and publishes are dropped',
    async run(a) {
      const reasons: string[] = [];
      a.onClose((reason) => reasons.push(reason));
      await a.leave('wamp.close.normal');
      const after = await failure(a.call('observatory.fake1.add', [1, 2]));
      a.publish('observatory.fake1.feeds.f', [1]);
      await a.leave(); // a second leave is a no-op
      const late = signal<string>();
      a.onClose(late.resolve);
      return { reasons, late: await late.promise, isOpen: a.isOpen, after: [after.wampError, after.error] };
    },
    expected: { reasons: ['wamp.close.normal'], late: 'wamp.close.normal', isOpen: false, after: [true, 'wamp.close.normal'] },
  },
  {
    name: 'a router shutdown ends both sessions and fails the call in flight',
    ownEndpoint: true,
    async run(a, b, endpoint) {
      const invoked = signal<void>();
      const never = signal<void>();
      await b.register('observatory.fake1.slow', () => {
        invoked.resolve();
        return never.promise;
      });
      const closedA = signal<string>();
      const closedB = signal<string>();
      a.onClose(closedA.resolve);
      b.onClose(closedB.resolve);
      const call = failure(a.call('observatory.fake1.slow'));
      await invoked.promise;
      await endpoint.close();
      never.resolve();
      const error = await call;
      return { call: [error.wampError, error.error], a: await closedA.promise, b: await closedB.promise };
    },
    expected: { call: [true, 'wamp.close.system_shutdown'], a: 'wamp.close.system_shutdown', b: 'wamp.close.system_shutdown' },
  },
];

describe('WampPeer and autobahn-js through one WampSession seam', () => {
  let shared: SimEndpoint;
  let restoreWarn: (...items: unknown[]) => void;
  const warnings: unknown[][] = [];

  before(async () => {
    restoreWarn = setAutobahnWarn((...items) => warnings.push(items));
    shared = await startEndpoint({ port: 0 });
  });
  after(async () => {
    await shared.close();
    setAutobahnWarn(restoreWarn);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      for (const [pair, connectA, connectB] of PAIRS) {
        const endpoint = c.ownEndpoint ? await startEndpoint({ port: 0 }) : shared;
        const a = await connectA(endpoint.wsUrl);
        const b = await connectB(endpoint.wsUrl);
        try {
          assert.deepEqual(await c.run(a, b, endpoint), c.expected, `${pair}: ${c.name}`);
        } finally {
          await a.leave();
          await b.leave();
          if (endpoint !== shared) await endpoint.close();
        }
      }
    });
  }

  describe('autobahn-js specifics the adapter deals with', () => {
    it('its console.warn lines on close go to the setAutobahnWarn hook', async () => {
      const before = warnings.length;
      const session = await autobahn(shared.wsUrl);
      await session.leave();
      const lines = warnings.slice(before).map((items) => String(items[0]));
      assert.ok(lines.includes('connection closed'), `got ${JSON.stringify(lines)}`);
    });

    it('it folds a result with no arguments into [null]; WampPeer keeps []', async () => {
      const callee = await peer(shared.wsUrl);
      await callee.register('observatory.fake1.nothing', () => new CallResult([]));
      const viaPeer = await peer(shared.wsUrl);
      const viaAutobahn = await autobahn(shared.wsUrl);
      try {
        assert.deepEqual((await viaPeer.call('observatory.fake1.nothing')).args, []);
        assert.deepEqual((await viaAutobahn.call('observatory.fake1.nothing')).args, [null]);
      } finally {
        await Promise.all([callee.leave(), viaPeer.leave(), viaAutobahn.leave()]);
      }
    });

    it('rejects join with a WampError when nothing listens, and does not retry', async () => {
      const gone = await startEndpoint({ port: 0 });
      const url = gone.wsUrl;
      await gone.close();
      await assert.rejects(autobahn(url), (e: unknown) => e instanceof WampError && e.error === 'wamp.close.transport_lost');
    });
  });
});
