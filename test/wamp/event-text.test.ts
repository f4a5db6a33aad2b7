// EVENTs offered as JSON text before they are parsed (SubscribeOptions.text):
// the peer offers only plain EVENTs of a subscription with one handler, with
// ids it has checked; the transport offers each message of a frame and
// parses only those not taken; the registry reads heartbeats so over a real
// WebSocket, plain and batched, and counts the same as when parsing.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerSocket } from '../../src/runtime/serve.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampTransport } from '../../src/wamp/transport.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { json, jsonBatched } from '../../src/wamp/serializers/index.ts';
import { startEndpoint } from '../../sim/endpoint/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { heartbeat } from '../support/heartbeats.ts';

/** A transport the test plays the router side of, by hand. */
function fakeTransport() {
  const sent: unknown[][] = [];
  const t: WampTransport & { onMessageText: ((text: string, from: number, to: number) => boolean) | null } = {
    send: (m) => void sent.push(m),
    onMessage: null,
    onMessageText: null,
    close: () => {},
    onClose: null,
  };
  return { t, sent };
}

async function subscribedPeer() {
  const { t, sent } = fakeTransport();
  const joining = WampPeer.join(t, 'test_realm');
  t.onMessage!([2, 77, {}]);
  const peer = await joining;
  const offered: string[] = [];
  const parsed: unknown[][] = [];
  const subscribing = peer.subscribe('observatory..feeds.heartbeat', (args) => void parsed.push(args), {
    match: 'wildcard',
    text: (text, topicFrom, topicTo, argsFrom, argsTo) => {
      offered.push(`${text.slice(topicFrom, topicTo)} ${text.slice(argsFrom, argsTo)}`);
      return text.slice(argsFrom, argsTo) !== '["no"]';
    },
  });
  const request = sent.at(-1)![1];
  t.onMessage!([33, request, 9007199254740992]);
  await subscribing;
  const offer = (text: string) => t.onMessageText!(text, 0, text.length);
  return { peer, t, offered, parsed, offer };
}

describe('EVENT text fast path', () => {
  it('offers a plain EVENT of the subscription, with its topic and args, and parses what the handler leaves', async () => {
    const { offered, offer } = await subscribedPeer();
    assert.equal(offer('[36,9007199254740992,1234567890123456,{"topic":"observatory.a.feeds.heartbeat"},[1,{"x":2}]]'), true);
    assert.deepEqual(offered, ['observatory.a.feeds.heartbeat [1,{"x":2}]']);
    assert.equal(offer('[36,9007199254740992,5,{"topic":"observatory.a.feeds.heartbeat"},["no"]]'), false);
  });

  it('offers nothing it has not checked: ids past 2^53 or with a leading zero, other details, other messages, unknown subscriptions', async () => {
    const { offered, offer } = await subscribedPeer();
    const topic = '{"topic":"observatory.a.feeds.heartbeat"}';
    for (
      const text of [
        `[36,9007199254740993,5,${topic},[1]]`, // rounds to 2^53 as JSON.parse reads it: still the subscription
        `[36,9007199254740994,5,${topic},[1]]`,
        `[36,90071992547409920,5,${topic},[1]]`,
        `[36,09007199254740992,5,${topic},[1]]`,
        `[36,9007199254740992,0,${topic},[1]]`,
        `[36,9007199254740992,5,{"topic":"observatory.a.feeds.heartbeat","publisher":3},[1]]`,
        `[36,9007199254740992,5,{"topic":"observatory.\\u0061.feeds.heartbeat"},[1]]`,
        `[36, 9007199254740992,5,${topic},[1]]`,
        `[36,9007199254740992,5,${topic},[1]] `,
        `[36,5,5,${topic},[1]]`,
        `[50,9007199254740992,{},[1]]`,
      ]
    ) offer(text);
    assert.deepEqual(offered, ['observatory.a.feeds.heartbeat [1]']);
  });

  it('a transport offers each message of a batched frame and parses only the rest, in order', async () => {
    const frames = [
      '[36,1,2,{"topic":"t"},["text"]]\u0018[36,1,3,{"topic":"t"},["parsed"]]\u0018',
      'not json\u0018[36,1,4,{"topic":"t"},["after garbage"]]\u0018',
      '[36,1,5,{"topic":"t"},["no separator"]]',
      '[36,1,6,{"topic":"t"},["last"]]\u0018',
    ];
    const server = await serve({ fetch: () => new Response('') }, {
      port: 0,
      hostname: '127.0.0.1',
      websocket: {
        paths: ['/ws'],
        selectProtocol: (offered) => offered[0] ?? null,
        open(socket: ServerSocket) {
          for (const frame of frames) socket.send(frame);
          return { message: () => {}, close: () => {} };
        },
      },
    });
    try {
      const transport = await WebSocketTransport.connect(`${server.url.replace('http', 'ws')}/ws`, { serializers: [jsonBatched] });
      const seen: string[] = [];
      const done = new Promise<void>((resolve) => {
        transport.onMessageText = (text, from, to) => {
          const message = text.slice(from, to);
          if (!message.includes('"text"') && !message.includes('"last"')) return false;
          seen.push(`text ${message}`);
          if (message.includes('"last"')) resolve();
          return true;
        };
      });
      transport.onMessage = (message) => void seen.push(`parsed ${JSON.stringify(message[4])}`);
      await done;
      assert.deepEqual(seen, ['text [36,1,2,{"topic":"t"},["text"]]', 'parsed ["parsed"]', 'text [36,1,6,{"topic":"t"},["last"]]']);
      assert.deepEqual(transport.badFrames, { undecodable: 2, not_a_message: 0 });
      transport.close();
    } finally {
      await server.close();
    }
  });

  for (const serializer of [json, jsonBatched]) {
    it(`the registry reads repeated heartbeats in place over ${serializer.protocol}, and counts them as before`, async () => {
      const endpoint = await startEndpoint({ port: 0 });
      const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock: systemClock, hostname: 'h', pid: 1 });
      const session = await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl, { serializers: [serializer] }), 'test_realm');
      const agent = await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl), 'test_realm');
      try {
        await registry.join(session);
        const beats = 6;
        for (let k = 0; k < beats; k++) agent.publish(...heartbeat('a1'));
        // A call through the registry's connection comes back after the events sent before it.
        await agent.call('observatory.registry.ops', ['status', 'main', {}]).catch(() => {});
        assert.equal(registry.registry.counters.heartbeats, beats);
        // The first joins the agent (parsed); the repeats are read in place.
        assert.equal(registry.heartbeatsReadInPlace, beats - 1);
        assert.deepEqual(registry.registry.get('observatory.a1')!.op_codes, { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 });
      } finally {
        await agent.leave();
        await registry.leave();
        await session.leave();
        await endpoint.close();
      }
    });
  }
});
