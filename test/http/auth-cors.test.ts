// The optional bearer token and configurable CORS.

import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type HttpHarness, startHttp } from './helpers.ts';

const TOKEN = 's3cret-token';

describe('bearer token', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  for (const path of ['/api/agents', '/api/agents/observatory.fake1', '/api/status', '/api/events', '/metrics', '/']) {
    it(`protects ${path}: 401 without or with a wrong token, 200 with it`, async () => {
      h = await startHttp({ token: TOKEN });
      await h.beat('fake1');
      const missing = await h.app.request(path);
      assert.equal(missing.status, 401);
      assert.deepEqual(await missing.json(), { error: 'Missing bearer token' });
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="ocs-registry"');
      const wrong = await h.app.request(path, { headers: { Authorization: 'Bearer s3cret-tokem' } });
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: 'Invalid bearer token' });
      const right = await h.app.request(path, { headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(right.status, 200);
      await right.body?.cancel();
    });
  }

  it('accepts the token as ?access_token= (for the page and EventSource)', async () => {
    h = await startHttp({ token: TOKEN });
    assert.equal((await h.app.request(`/api/agents?access_token=${TOKEN}&state=alive`)).status, 200);
    assert.equal((await h.app.request('/api/agents?access_token=nope')).status, 401);
  });

  it('names a malformed Authorization header', async () => {
    h = await startHttp({ token: TOKEN });
    const { status, body } = await h.json('/metrics', { headers: { Authorization: `Basic ${TOKEN}` } });
    assert.equal(status, 401);
    assert.deepEqual(body, { error: 'Malformed Authorization header (expected "Bearer <token>")' });
  });

  it('leaves health, readiness and the API description open', async () => {
    h = await startHttp({ token: TOKEN });
    for (const path of ['/healthz', '/readyz', '/openapi.json']) assert.equal((await h.app.request(path)).status, 200, path);
  });

  it('without a token configured, everything is open', async () => {
    h = await startHttp();
    assert.equal((await h.app.request('/api/agents')).status, 200);
    assert.equal((await h.app.request('/metrics')).status, 200);
  });
});

describe('CORS', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('sends Access-Control-Allow-Origin for an allowed origin only', async () => {
    h = await startHttp({ corsOrigins: ['https://ocs-web.example'] });
    const allowed = await h.app.request('/api/agents', { headers: { Origin: 'https://ocs-web.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://ocs-web.example');
    const other = await h.app.request('/api/agents', { headers: { Origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('answers a preflight before the token check', async () => {
    h = await startHttp({ corsOrigins: '*', token: TOKEN });
    const preflight = await h.app.request('/api/agents', {
      method: 'OPTIONS',
      headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
  });

  it('sends no CORS headers unless configured', async () => {
    h = await startHttp();
    const response = await h.app.request('/api/agents', { headers: { Origin: 'https://ocs-web.example' } });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});
