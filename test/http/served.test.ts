// The app behind a real listener (src/runtime/serve.ts) on each runtime: an
// SSE client over TCP gets events, its disconnect frees its slot, and
// shutdown with a stream open does not hang (the app ends its own streams).

import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type RunningServer, serve } from '../../src/runtime/serve.ts';
import { settle } from '../support/settle.ts';
import { type HttpHarness, SseReader, startHttp } from './helpers.ts';

/** Let real I/O happen: the network loop needs macrotask turns, not just microtasks. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe('the app on a real server', () => {
  let h: HttpHarness;
  let server: RunningServer | undefined;
  afterEach(async () => {
    h.app.close();
    await server?.close();
    server = undefined;
    await h.stop();
  });

  it('streams events over TCP and frees the slot when the client goes away', async () => {
    h = await startHttp({ lagProbeMs: 0 });
    server = await serve(h.app, { port: 0, hostname: '127.0.0.1' });
    const response = await fetch(`${server.url}/api/events`);
    assert.equal(response.status, 200);
    const sse = new SseReader(response);
    await until(() => h.app.events.stream.stats.clients === 1, 'the client to connect');
    await h.beat('fake1');
    let events: string[] = [];
    await until(() => {
      void sse.events().then((got) => (events = events.concat(got.map((e) => e.event!))));
      return events.length > 0;
    }, 'the joined event');
    assert.deepEqual(events, ['joined']);
    await sse.cancel();
    await until(() => h.app.events.stream.stats.clients === 0, 'the server to notice the disconnect');
  });

  it('shuts down promptly with an event stream open', async () => {
    h = await startHttp({ lagProbeMs: 0 });
    server = await serve(h.app, { port: 0, hostname: '127.0.0.1' });
    const response = await fetch(`${server.url}/api/events`);
    const sse = new SseReader(response);
    await until(() => h.app.events.stream.stats.clients === 1, 'the client to connect');
    h.app.close();
    const started = Date.now();
    await server.close();
    server = undefined;
    assert.ok(Date.now() - started < 2000, 'server.close() did not hang');
    await settle();
    await sse.take().catch(() => []);
  });
});
