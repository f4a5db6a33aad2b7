// Bun ends a request that stays quiet for 10 s unless told otherwise; an event
// stream is quiet between keep-alive comments. Both Bun servers (the program's
// serve() and the edge worker) allow longer than the keep-alive interval.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveBun } from '../../src/runtime/serve-bun.ts';
import { BUN_IDLE_TIMEOUT_SECONDS } from '../../src/runtime/idle-timeout.ts';
import { DEFAULT_KEEP_ALIVE_MS } from '../../src/http/event-stream.ts';

describe('Bun idle timeout', () => {
  it("is well above the event streams' keep-alive interval", () => {
    assert.ok(BUN_IDLE_TIMEOUT_SECONDS * 1000 >= 2 * DEFAULT_KEEP_ALIVE_MS);
    assert.ok(BUN_IDLE_TIMEOUT_SECONDS <= 255, 'Bun accepts at most 255 s');
  });

  it('is what serveBun asks Bun.serve for', { skip: 'Bun' in globalThis ? 'the real Bun global cannot be replaced' : false }, async () => {
    const g = globalThis as { Bun?: unknown };
    let seen: Record<string, unknown> | null = null;
    g.Bun = {
      serve(options: Record<string, unknown>) {
        seen = options;
        return { port: 1, stop: async () => {} };
      },
    };
    try {
      const server = serveBun({ fetch: () => new Response('') }, { port: 0, hostname: '127.0.0.1' });
      await server.close();
    } finally {
      delete g.Bun;
    }
    assert.equal(seen!['idleTimeout'], BUN_IDLE_TIMEOUT_SECONDS);
  });
});
