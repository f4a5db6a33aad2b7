// The serve() seam on its own: any fetch app, ephemeral port, WebSocket route
// with guarded handlers, and a close() that ends open connections.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerSocket } from '../../src/runtime/serve.ts';
import { openStalledClient } from '../support/stalled-client.ts';

function echoServer(errors: unknown[]) {
  return serve({ fetch: (request: Request) => new Response(`path ${new URL(request.url).pathname}`) }, {
    port: 0,
    hostname: '127.0.0.1',
    websocket: {
      paths: ['/echo'],
      maxMessageBytes: 1024,
      selectProtocol: (offered) => offered.find((p) => p === 'b' || p === 'c') ?? null,
      open(socket: ServerSocket) {
        return {
          message(data) {
            if (data === 'throw') throw new Error('handler bug');
            socket.send(data);
          },
          close() {},
        };
      },
      onSocketError: (error) => void errors.push(error),
    },
  });
}

function open(url: string, protocols: string[]): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols);
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error('refused'));
  });
}

const closeOf = (socket: WebSocket) => new Promise<number>((resolve) => (socket.onclose = (event) => resolve(event.code)));
const nextMessage = (socket: WebSocket) => new Promise<unknown>((resolve) => (socket.onmessage = (event) => resolve(event.data)));

/** The bystander connection still gets answers; then the server closes it on shutdown. */
async function stillServesThenCloses(bystander: WebSocket, server: { close(): Promise<void> }): Promise<void> {
  const reply = nextMessage(bystander);
  bystander.send('still here');
  assert.equal(await reply, 'still here');
  const closed = closeOf(bystander);
  await server.close();
  await closed;
}

describe('serve()', () => {
  it('serves a fetch app on an ephemeral port and echoes over WebSocket', async () => {
    const errors: unknown[] = [];
    const server = await echoServer(errors);
    assert.ok(server.port > 0);
    assert.equal(await (await fetch(`${server.url}/x`)).text(), 'path /x');
    const socket = await open(`${server.url.replace('http', 'ws')}/echo`, ['a', 'c', 'b']);
    assert.equal(socket.protocol, 'c');
    let reply = nextMessage(socket);
    socket.send('hello');
    assert.equal(await reply, 'hello');
    reply = nextMessage(socket);
    socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual([...new Uint8Array(await reply as ArrayBuffer)], [1, 2, 3]);
    const closed = closeOf(socket);
    await server.close();
    assert.equal(await closed, 1001);
  });

  it('refuses an upgrade when no offered protocol is acceptable', async () => {
    const server = await echoServer([]);
    await assert.rejects(open(`${server.url.replace('http', 'ws')}/echo`, ['zzz']));
    await server.close();
  });

  it('a throwing handler or a too-big message costs only that connection', async () => {
    const errors: unknown[] = [];
    const server = await echoServer(errors);
    const url = `${server.url.replace('http', 'ws')}/echo`;
    const bystander = await open(url, ['b']);
    const buggy = await open(url, ['b']);
    const buggyClosed = closeOf(buggy);
    buggy.send('throw');
    assert.equal(await buggyClosed, 1011);
    const big = await open(url, ['b']);
    const bigClosed = closeOf(big);
    big.send('x'.repeat(4096));
    assert.ok([1009, 1006].includes(await bigClosed));
    assert.equal(errors.length, 2);
    await stillServesThenCloses(bystander, server);
  });

  it('closes a connection that does not read once its send buffer passes the bound, and says why', async () => {
    const reasons: string[] = [];
    const closes: Array<[number, string]> = [];
    let appClosed!: () => void;
    const closedForApp = new Promise<void>((resolve) => (appClosed = resolve));
    const chunk = 'x'.repeat(64 * 1024);
    const server = await serve({ fetch: () => new Response('') }, {
      port: 0,
      hostname: '127.0.0.1',
      websocket: {
        paths: ['/flood'],
        maxSendBufferBytes: 256 * 1024,
        selectProtocol: () => 'b',
        open(socket: ServerSocket) {
          return {
            message(data) {
              // "flood": far more than any kernel buffer holds; sends past the close are dropped.
              if (data === 'flood') { for (let i = 0; i < 2000; i++) socket.send(chunk); }
              else socket.send(data);
            },
            close(code, reason) {
              closes.push([code, reason]);
              appClosed();
            },
          };
        },
        onBackpressure: (reason) => void reasons.push(reason),
      },
    });
    const url = `${server.url.replace('http', 'ws')}/flood`;
    const bystander = await open(url, ['b']);
    const stalled = await openStalledClient(server.port, '/flood', 'b');
    stalled.stall();
    stalled.sendText('flood');
    // (The stalled client itself cannot notice: it does not read.)
    await closedForApp;
    stalled.destroy();
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /^send buffer (over|full).*262144 bytes.*: the peer is not reading$/);
    assert.deepEqual(closes, [[1008, reasons[0]]]);
    await stillServesThenCloses(bystander, server);
  });
});
