// The client WebSocket transport with a batched serializer: what one task
// sends goes as one WebSocket message (fewer frames and writes), in order,
// within the router's size limit, and close() sends what is still waiting.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerSocket } from '../../src/runtime/serve.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { json, jsonBatched } from '../../src/wamp/serializers/index.ts';

/** A server that records every frame it gets, and whether the connection closed. */
async function recorder() {
  const frames: string[] = [];
  let closed = false;
  let wake = () => {};
  const server = await serve({ fetch: () => new Response('') }, {
    port: 0,
    hostname: '127.0.0.1',
    websocket: {
      paths: ['/ws'],
      selectProtocol: (offered) => offered[0] ?? null,
      open(_socket: ServerSocket) {
        return {
          message: (data) => {
            frames.push(String(data));
            wake();
          },
          close: () => {
            closed = true;
            wake();
          },
        };
      },
    },
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { server, frames, until, closed: () => closed, url: `${server.url.replace('http', 'ws')}/ws` };
}

describe('WebSocketTransport, batched serializers', () => {
  it('sends the messages of one task as one frame, each ending with 0x18, in order', async () => {
    const r = await recorder();
    const transport = await WebSocketTransport.connect(r.url, { serializers: [jsonBatched] });
    transport.send([16, 1, {}, 'a.b', [1]]);
    transport.send([16, 2, {}, 'a.b', [2]]);
    transport.send([16, 3, {}, 'a.b', [3]]);
    await r.until(() => r.frames.length === 1);
    assert.equal(r.frames[0], '[16,1,{},"a.b",[1]]\u0018[16,2,{},"a.b",[2]]\u0018[16,3,{},"a.b",[3]]\u0018');
    transport.close();
    await r.server.close();
  });

  it('starts a new frame before the router limit would be passed, and close() sends what waits', async () => {
    const r = await recorder();
    // 3 bytes per UTF-16 unit at most: two 100-unit messages fit under 700 bytes, a third does not.
    const transport = await WebSocketTransport.connect(r.url, { serializers: [jsonBatched], maxMessageBytes: 700 });
    const message = (i: number) => [16, i, {}, 'a.b', ['x'.repeat(100 - 20)]];
    for (let i = 1; i <= 5; i++) transport.send(message(i));
    transport.close();
    await r.until(() => r.closed());
    const sizes = r.frames.map((f) => f.split('\u0018').length - 1);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(r.frames.join('').split('\u0018').slice(0, -1).map((m) => JSON.parse(m)[1]), [1, 2, 3, 4, 5]);
    await r.server.close();
  });

  it('plain JSON still sends one frame per message', async () => {
    const r = await recorder();
    const transport = await WebSocketTransport.connect(r.url, { serializers: [json] });
    transport.send([16, 1, {}, 'a.b']);
    transport.send([16, 2, {}, 'a.b']);
    await r.until(() => r.frames.length === 2);
    assert.deepEqual(r.frames, ['[16,1,{},"a.b"]', '[16,2,{},"a.b"]']);
    transport.close();
    await r.server.close();
  });
});
