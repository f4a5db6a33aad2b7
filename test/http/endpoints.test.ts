// Health, readiness, the OpenAPI document, the page and unknown routes.

import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { createHttpApp } from '../../src/http/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { REALM } from '../support/network.ts';
import { settle } from '../support/settle.ts';
import { type HttpHarness, startHttp } from './helpers.ts';

describe('HTTP endpoints', () => {
  let h: HttpHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('GET /healthz answers 200 while the process runs', async () => {
    h = await startHttp();
    const { status, body } = await h.json('/healthz');
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'ok', connected: true, subscribed: true, stale_since: null, event_loop_lag: 0 });
  });

  it('GET /readyz is 503 before the registry joins the router and 200 after', async () => {
    const clock = new FakeClock();
    const router = new Router({ realms: [REALM], serialize: 'json' });
    const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock, hostname: 'h', pid: 1 });
    const app = createHttpApp({ registryAgent: registry, clock });
    try {
      const before = await app.request('/readyz');
      assert.equal(before.status, 503);
      assert.equal((await before.json()).status, 'not ready');
      await registry.join(await router.connect(REALM));
      await settle();
      const after = await app.request('/readyz');
      assert.equal(after.status, 200);
      assert.deepEqual(await after.json(), { status: 'ready' });
      router.close();
      await settle();
      assert.equal((await app.request('/readyz')).status, 503);
    } finally {
      app.close();
      registry.agent.stopAllSessions();
      router.close();
      await settle();
    }
  });

  it('GET /openapi.json describes every endpoint', async () => {
    h = await startHttp();
    const { status, body } = await h.json('/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const path of ['/api/agents', '/api/agents/{address}', '/api/events', '/api/status', '/api/expected', '/metrics', '/healthz', '/readyz', '/']) {
      assert.ok(body.paths[path]?.get, `${path} is described`);
    }
  });

  it('GET / serves the monitor page as HTML, self-contained', async () => {
    h = await startHttp();
    const response = await h.app.request('/');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/i);
    const html = await response.text();
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<script>/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'no external scripts or styles');
    assert.match(response.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
  });

  it('GET /api/status reports the registry itself', async () => {
    h = await startHttp();
    await h.beat('a1');
    const { status, body } = await h.json('/api/status');
    assert.equal(status, 200);
    assert.equal(body.address, 'observatory.registry');
    assert.equal(body.ready, true);
    assert.deepEqual(body.agents, { total: 1, alive: 1, expired: 0, suspect: 0, flapping: 0 });
    assert.equal(body.subscribed, true);
    assert.equal(body.stale_since, null);
    assert.equal(body.counters.joined, 1);
    assert.equal(body.events.emitted.joined, 1);
  });

  it('an unknown route is a 404 with a JSON error', async () => {
    h = await startHttp();
    const { status, body } = await h.json('/api/nope');
    assert.equal(status, 404);
    assert.equal(body.error, 'No such endpoint: GET "/api/nope"');
    assert.equal((await h.app.request('/api/agents', { method: 'POST' })).status, 404, 'read-only');
  });

  it('close() is idempotent and detaches from the registry', async () => {
    h = await startHttp();
    h.app.close();
    h.app.close();
    await h.beat('late');
    assert.equal(h.app.events.log.last, 0, 'no events after close');
  });
});
