// Role permissions from a crossbar config.json, with OCS's own test config:
// iocs_agent may do everything under observatory., iocs_controller (the HTTP
// caller's role) may not register; anything outside observatory. is refused.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/config/errors.ts';
import { parseCrossbarConfig, permissionFor, type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { WampError } from '../../src/wamp/session.ts';
import { joinJson, ocsTestConfig, post, RawSocket } from './helpers.ts';

describe('endpoint: OCS tests/config.json', () => {
  let endpoint: SimEndpoint;
  before(async () => {
    endpoint = await startEndpoint({ config: ocsTestConfig(), port: 0 });
  });
  after(async () => {
    await endpoint.close();
  });

  it('serves the paths of the config on loopback', () => {
    assert.deepEqual(endpoint.paths.map((p) => [p.type, p.path]), [['websocket', '/ws'], ['caller', '/call'], ['nodeinfo', '/info']]);
    assert.ok(endpoint.url.startsWith('http://127.0.0.1:'));
  });

  it('lets iocs_agent register and iocs_controller call through /call', async () => {
    const agent = await joinJson(endpoint.wsUrl);
    await agent.register('observatory.fake1', () => ({ api: true }));
    const reply = await post(`${endpoint.url}/call`, { procedure: 'observatory.fake1', args: ['get_api'] });
    assert.deepEqual(reply, { status: 200, body: { args: [{ api: true }] } });
    await agent.leave();
  });

  it('refuses a register by iocs_controller with wamp.error.not_authorized', async () => {
    const controller = await endpoint.router.connect('test_realm', { authrole: 'iocs_controller' });
    await assert.rejects(controller.register('observatory.fake2', () => 1), (error: unknown) => {
      assert.ok(error instanceof WampError);
      assert.equal(error.error, 'wamp.error.not_authorized');
      return true;
    });
    await controller.leave();
  });

  it('refuses anything outside observatory., over WebSocket and /call', async () => {
    const raw = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.msgpack']);
    await raw.join();
    raw.send([64, 7, {}, 'elsewhere.proc']);
    const error = await raw.next();
    assert.deepEqual([error[0], error[1], error[2], error[4]], [8, 64, 7, 'wamp.error.not_authorized']);
    await raw.close();
    // The dealer looks the procedure up first (no_such_procedure), so call one that exists: the meta API.
    const reply = await post(`${endpoint.url}/call`, { procedure: 'wamp.session.count' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.error, 'wamp.error.not_authorized');
  });

  it('refuses an unknown realm, as crossbar does', async () => {
    const raw = await RawSocket.connect(endpoint.wsUrl, ['wamp.2.json']);
    const abort = await raw.join('other_realm');
    assert.deepEqual([abort[0], abort[2]], [3, 'wamp.error.no_such_realm']);
    await raw.closed;
  });
});

describe('crossbar config parsing', () => {
  it('picks the most specific permission: exact, then longest prefix', () => {
    const allow = { call: true, register: false, publish: false, subscribe: false };
    const deny = { call: false, register: false, publish: false, subscribe: false };
    const permissions = [
      { uri: 'observatory.', match: 'prefix' as const, allow },
      { uri: 'observatory.secret.', match: 'prefix' as const, allow: deny },
      { uri: 'observatory.secret.open', match: 'exact' as const, allow },
    ];
    assert.equal(permissionFor(permissions, 'observatory.a')?.allow.call, true);
    assert.equal(permissionFor(permissions, 'observatory.secret.x')?.allow.call, false);
    assert.equal(permissionFor(permissions, 'observatory.secret.open')?.allow.call, true);
    assert.equal(permissionFor(permissions, 'observatoryX'), undefined);
  });

  it('explains what is wrong with a bad config', () => {
    assert.throws(() => parseCrossbarConfig('{'), UsageError);
    assert.throws(() => parseCrossbarConfig('{"workers": {}}'), /workers must be a list/);
    assert.throws(
      () => parseCrossbarConfig('{"workers": [{"type": "router", "transports": [{"type": "web", "endpoint": {"port": "x"}, "paths": {}}]}]}'),
      /workers\[0\]\.transports\[0\]\.endpoint\.port must be a port number/,
    );
  });
});
