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

  it('joins what one turn sends into one message where the subprotocol allows it, never over the size limit', async () => {
    const joined: string[] = [];
    const server = await serve({ fetch: () => new Response('') }, {
      port: 0,
      hostname: '127.0.0.1',
      websocket: {
        paths: ['/join'],
        maxMessageBytes: 1024,
        selectProtocol: (offered) => offered[0] ?? null,
        joinMessages: (protocol) => protocol === 'joined' ? (messages) => messages.join('') : null,
        open(socket: ServerSocket) {
          return {
            message(data) {
              // One incoming message, several sends in the same turn: 'n' of them, each 'size' long.
              const [n, size] = String(data).split(' ').map(Number) as [number, number];
              for (let i = 0; i < n; i++) socket.send(String(i % 10).repeat(size));
              joined.push(socket.protocol);
            },
            close() {},
          };
        },
      },
    });
    const url = `${server.url.replace('http', 'ws')}/join`;
    const frames = (socket: WebSocket, count: number) =>
      new Promise<string[]>((resolve) => {
        const got: string[] = [];
        socket.onmessage = (event) => void (got.push(String(event.data)) === count && resolve(got));
      });
    const joining = await open(url, ['joined']);
    let got = frames(joining, 1);
    joining.send('3 4');
    assert.deepEqual(await got, ['000011112222']);
    // 10 x 100 characters: at most 3 fit under 1024 bytes (counting 3 bytes per character), so 4 messages, in order.
    got = frames(joining, 4);
    joining.send('10 100');
    const big = await got;
    assert.deepEqual(big.map((f) => f.length), [300, 300, 300, 100]);
    assert.equal(big.join(''), [...Array(10).keys()].map((i) => String(i).repeat(100)).join(''));
    // Another subprotocol on the same route: one message per send, as before.
    const plain = await open(url, ['plain']);
    got = frames(plain, 3);
    plain.send('3 2');
    assert.deepEqual(await got, ['00', '11', '22']);
    assert.deepEqual(joined, ['joined', 'joined', 'plain']);
    await server.close();
  });

  it('lets a slow reader have a message bigger than the bound, and what is sent behind it while it drains', async () => {
    // (At 50,000 agents a main.status() reply is 12 MB against the default 8 MiB bound: a client that
    // reads must get it, and the feed events sent behind it, without being cut.)
    const reasons: string[] = [];
    const big = 'y'.repeat(12 * 1024 * 1024);
    const small = 'z'.repeat(1024);
    let sentAll!: () => void;
    const sent = new Promise<void>((resolve) => (sentAll = resolve));
    const server = await serve({ fetch: () => new Response('') }, {
      port: 0,
      hostname: '127.0.0.1',
      websocket: {
        paths: ['/big'],
        maxSendBufferBytes: 256 * 1024,
        selectProtocol: () => 'b',
        open(socket: ServerSocket) {
          return {
            message() {
              socket.send(big);
              // Behind it, later turns' small messages, as feed events follow a reply.
              let left = 20;
              const next = () => {
                socket.send(small);
                if (--left > 0) setTimeout(next, 0);
                else sentAll();
              };
              setTimeout(next, 0);
            },
            close() {},
          };
        },
        onBackpressure: (reason) => void reasons.push(reason),
      },
    });
    const slow = await openStalledClient(server.port, '/big', 'b');
    slow.stall();
    slow.sendText('go');
    await sent;
    // Everything arrives (each frame's head is 2-10 bytes) once the client reads, and nobody was cut.
    const missing = await slow.resume(big.length + 20 * small.length);
    assert.deepEqual(reasons, []);
    assert.equal(missing, 0);
    slow.destroy();
    await server.close();
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
