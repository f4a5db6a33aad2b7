// The router's PUBLISH fast path for JSON sockets (sim/endpoint/publish-text.ts,
// json-check.ts, Broker.publishText): a PUBLISH read in place is taken only
// when its arguments are surely JSON, and every subscriber gets the same
// EVENT as on the ordinary path (replay the properties with FC_SEED=<seed>).
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonValueEnd } from '../../src/core/json-check.ts';
import { PublishReader } from '../../sim/endpoint/publish-text.ts';
import { SocketTransport } from '../../sim/endpoint/socket-transport.ts';
import { Router } from '../../sim/router/index.ts';
import type { ServerSocket } from '../../src/runtime/serve.ts';
import { SERIALIZERS } from '../../src/wamp/serializers/index.ts';
import { barrier } from './raw-client.ts';

const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
const HEARTBEAT = '[16,7,{},"observatory.fake1.feeds.heartbeat",[[{"acq":1,"count":1},{"agent_address":"observatory.fake1"}]]]';

describe('strict JSON checked in place', () => {
  it('finds the end of any JSON value, compact or spaced (property)', () => {
    console.log(`json-check property: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 2 : undefined);
        assert.equal(jsonValueEnd(text, 0), text.length, text);
        assert.equal(jsonValueEnd(`${text}]x`, 0), text.length);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('never calls text JSON that JSON.parse refuses (property)', () => {
    const mutated = fc.tuple(
      fc.jsonValue(),
      fc.nat(),
      fc.constantFrom('', '"', '\\', ',', ']', '}', '{', '[', ':', '-', '.', 'e', '0', '\u0001', 'n', ' '),
      fc.boolean(),
    )
      .map(([value, at, char, replace]) => {
        const text = JSON.stringify(value);
        const i = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, i) + char + text.slice(replace ? i + 1 : i);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        if (jsonValueEnd(text, 0) === text.length) assert.doesNotThrow(() => JSON.parse(text), text);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('refuses what is not surely JSON', () => {
    for (
      const bad of [
        '',
        '[1,]',
        '[,1]',
        '{"a":}',
        '{"a" 1}',
        '{1:2}',
        '[01]',
        '[1.]',
        '[.5]',
        '[1e]',
        '[-]',
        '[NaN]',
        '[-Infinity]',
        '[Infinity]',
        '["a\u0001"]',
        '["\\x"]',
        '["\\u12g4"]',
        '["abc]',
        '[tru]',
        '[nul]',
        '[1 2]',
        '{"a":1,}',
        '[1}',
        '{"a":1]',
        '['.repeat(65) + ']'.repeat(65),
      ]
    ) {
      assert.notEqual(jsonValueEnd(bad, 0), bad.length, bad);
    }
    assert.equal(jsonValueEnd('['.repeat(64) + ']'.repeat(64), 0), 128);
    const mixed = '[1e+5,-0.5E-3,"\\u00e9\\n",true,false,null,{}]';
    assert.equal(jsonValueEnd(mixed, 0), mixed.length);
  });
});

describe('a plain PUBLISH read in place', () => {
  it('reads the request id, the topic and where the arguments start', () => {
    const reader = new PublishReader();
    assert.equal(HEARTBEAT.slice(reader.read(HEARTBEAT)), '[[{"acq":1,"count":1},{"agent_address":"observatory.fake1"}]]]');
    assert.equal(reader.request, 7);
    assert.equal(reader.topic, 'observatory.fake1.feeds.heartbeat');
    const withKwargs = '[16,123456789012345,{},"a.b",[1],{"k":[2]}]';
    assert.equal(withKwargs.slice(reader.read(withKwargs)), '[1],{"k":[2]}]');
    assert.deepEqual([reader.request, reader.topic], [123456789012345, 'a.b']);
    assert.equal(reader.tail, '[1],{"k":[2]}]');
    // The last arguments stand for the check only when they are the same text.
    assert.equal(reader.read('[16,9,{},"a.b",[1],{"k":[2]}]'), 15);
    assert.equal(reader.request, 9);
    assert.equal(reader.read('[16,10,{},"a.b",[1],{"k":[2,]}]'), -1);
    assert.equal(reader.read('[16,11,{},"a.b",[1],{"k":[2]}]]'), -1);
    assert.equal(reader.read('[16,12,{},"a.b",[1],{"k":[3]}]'), 16);
    assert.equal(reader.tail, '[1],{"k":[3]}]');
    // The last topic is reused only when it is the whole topic.
    assert.equal(reader.read('[16,1,{},"a.bc",[]]'), 16);
    assert.equal(reader.topic, 'a.bc');
  });

  it('leaves everything else to the ordinary path', () => {
    const reader = new PublishReader();
    for (
      const other of [
        '[16, 7, {}, "a.b", [1]]',
        '[16,7,{"acknowledge":true},"a.b",[1]]',
        '[16,7,{},"a.b",[NaN]]',
        '[16,7,{},"a.b",[1]] ',
        '[16,7,{},"a.\\u0062",[1]]',
        '[16,7,{},"a b",[1]]',
        '[16,7,{},"",[1]]',
        '[16,1234567890123456,{},"a.b",[1]]',
        '[16,0,{},"a.b",[1]]',
        '[16,07,{},"a.b",[1]]',
        '[16,7.0,{},"a.b",[1]]',
        '[16,7,{},"a.b"]',
        '[16,7,{},"a.b",{}]',
        '[16,7,{},"a.b",[1],[2]]',
        '[16,7,{},"a.b",[1],{"k":1},{}]',
        '[16,7,{},"a.b",[1],{"k":1}',
        '[16,7,{},"a.b",[1,]]',
        '[32,7,{},"a.b",[1]]',
        '[160,7,{},"a.b",[1]]',
      ]
    ) {
      assert.equal(reader.read(other), -1, other);
    }
  });
});

interface Wire {
  protocol: string;
  transport: SocketTransport;
  frames: Array<string | Uint8Array>;
  closed: Array<[number, string]>;
  /** Decoded messages received. */
  messages(): unknown[][];
}

function attach(router: Router, protocol: string): Wire {
  const frames: Array<string | Uint8Array> = [];
  const closed: Array<[number, string]> = [];
  const socket: ServerSocket = { protocol, send: (data) => void frames.push(data), close: (code = 1000, reason = '') => void closed.push([code, reason]) };
  const serializer = SERIALIZERS.get(protocol)!;
  const transport = new SocketTransport(socket, serializer, { type: 'websocket', authrole: 'iocs_agent' }, { badFrame: () => {} });
  router.attach(transport);
  return { protocol, transport, frames, closed, messages: () => frames.flatMap((f) => serializer.decode(f) as unknown[][]) };
}

function send(wire: Wire, message: unknown[] | string): void {
  wire.transport.handlers.message(typeof message === 'string' ? message : SERIALIZERS.get(wire.protocol)!.encode(message));
}
function joined(router: Router, protocol: string): Wire {
  const wire = attach(router, protocol);
  send(wire, [1, 'test_realm', { roles: { publisher: {}, subscriber: {} } }]);
  return wire;
}

describe('PUBLISH as text through the router', () => {
  it('gives every kind of subscriber the same EVENT as the ordinary path', async () => {
    const router = new Router({ realms: ['test_realm'] });
    const plain = joined(router, 'wamp.2.json');
    const batched = joined(router, 'wamp.2.json.batched');
    const packed = joined(router, 'wamp.2.msgpack');
    const publisher = joined(router, 'wamp.2.json');
    const memory = await router.connect('test_realm');
    send(plain, [32, 1, { match: 'wildcard' }, 'observatory..feeds.heartbeat']);
    send(batched, [32, 1, {}, 'observatory.fake1.feeds.heartbeat']);
    send(packed, [32, 1, { match: 'prefix' }, 'observatory.']);
    const inMemory: unknown[] = [];
    await memory.subscribe('observatory..feeds.heartbeat', (args, kwargs, details) => void inMemory.push([args, kwargs, details]), { match: 'wildcard' });
    for (const wire of [plain, batched, packed]) wire.frames.length = 0;
    const text = '[16,8,{},"observatory.fake1.feeds.heartbeat",[[{"acq":1},{"x":"\\u00e9\\"",' +
      '"n":[1.5e3,-2,true,null]}]],{"k":{}}]';
    // The first publish to a topic takes the ordinary path (it learns the route); the second the fast one.
    const inBefore = router.stats.messagesIn;
    send(publisher, text);
    send(publisher, text);
    assert.equal(router.stats.messagesIn - inBefore, 2);
    await barrier(memory);
    assert.equal(router.stats.eventsDelivered >= 8, true);
    const tail = '[[{"acq":1},{"x":"\\u00e9\\"","n":[1.5e3,-2,true,null]}]],{"k":{}}]';
    const ids = (wire: Wire) => wire.messages().map((m) => m[1]);
    const pubs = plain.messages().map((m) => m[2] as number);
    assert.equal(pubs.length, 2);
    assert.deepEqual(plain.frames, pubs.map((p) => `[36,${ids(plain)[0]},${p},{"topic":"observatory.fake1.feeds.heartbeat"},${tail}`));
    assert.deepEqual(batched.frames, pubs.map((p) => `[36,${ids(batched)[0]},${p},{},${tail}\u0018`));
    const decoded = JSON.parse(`[${tail}`);
    assert.deepEqual(packed.messages(), pubs.map((p) => [36, ids(packed)[0], p, { topic: 'observatory.fake1.feeds.heartbeat' }, ...decoded]));
    assert.deepEqual(inMemory.map((e) => (e as unknown[]).slice(0, 2)), [decoded, decoded]);
    assert.equal(publisher.frames.length, 1, 'only its WELCOME: a publisher is excluded from its own events');
    router.close();
  });

  it('refuses a malformed or misshapen PUBLISH exactly as before, costing only that session', () => {
    const router = new Router({ realms: ['test_realm'] });
    const subscriber = joined(router, 'wamp.2.json.batched');
    send(subscriber, [32, 1, {}, 'a.b']);
    const good = joined(router, 'wamp.2.json');
    send(good, '[16,1,{},"a.b",[1]]');
    send(good, '[16,2,{},"a.b",[2]]');
    const cases: Array<[string, RegExp]> = [
      ['[16,3,{},"a.b",[1,]]', /^wamp\.error\.protocol_violation: /],
      ['[16,3,{},"a.b",[1]', /^wamp\.error\.protocol_violation: /],
      ['[16,3,{},"a.b",{}]', /PUBLISH element 4 must be a list/],
      ['[16,3,{},"a.b",[1],[2]]', /PUBLISH element 5 must be a dict/],
      ['[16,3,{},"a.b",[1],{},{}]', /PUBLISH must have 4 to 6 elements/],
    ];
    for (const [frame, reason] of cases) {
      const bad = joined(router, 'wamp.2.json');
      send(bad, '[16,1,{},"a.b",[1]]');
      send(bad, frame);
      const abort = bad.messages().find((m) => m[0] === 3);
      const said = abort ? String((abort[1] as { message: string }).message) : (bad.closed[0]?.[1] ?? '');
      assert.match(said, reason, frame);
      assert.equal(bad.transport.isOpen, false, frame);
    }
    send(good, '[16,3,{},"a.b",[3]]');
    assert.deepEqual(subscriber.messages().filter((m) => m[0] === 36).map((m) => m[4]), [[1], [2], [1], [1], [1], [1], [1], [3]]);
    router.close();
  });

  it('acts on none of a batched frame when one of its messages is not JSON', () => {
    const router = new Router({ realms: ['test_realm'] });
    const subscriber = joined(router, 'wamp.2.json');
    send(subscriber, [32, 1, {}, 'a.b']);
    const publisher = joined(router, 'wamp.2.json.batched');
    send(publisher, '[16,1,{},"a.b",[1]]\u0018');
    send(publisher, '[16,2,{},"a.b",[2]]\u0018[16,3,{},"a.b",[3]]\u0018');
    send(publisher, '[16,4,{},"a.b",[4]]\u0018[16,5,{},"a.b",[5,]]\u0018');
    assert.deepEqual(subscriber.messages().filter((m) => m[0] === 36).map((m) => m[4]), [[1], [2], [3]]);
    assert.equal(publisher.transport.isOpen, false);
    router.close();
  });
});
