// A call result over the router's message limit fails alone: the caller gets
// wamp.error.payload_size_exceeded saying why and where to read the table,
// and the registry stays joined (crossbar would cut it off, 1009). Over a
// real WebSocket to the simulator endpoint and to a real crossbar, both with
// a small max_message_size.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WampError } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { heartbeat } from '../support/heartbeats.ts';

const LIMIT = 64 * 1024;
const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

/** OCS's test config with `max_message_size` on its WebSocket path. */
function limitedConfig(): Record<string, unknown> {
  // deno-lint-ignore no-explicit-any -- a JSON document, read loosely
  const config: any = JSON.parse(readFileSync(CONFIG, 'utf8'));
  config.workers[0].transports[0].paths.ws.options = { max_message_size: LIMIT };
  return config;
}

async function checkBigReply(wsUrl: string): Promise<void> {
  const registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock: systemClock, hostname: 'h', pid: 1 });
  const connect = async (onResultTooBig?: (procedure: string, error: { bytes: number; limit: number }) => string) =>
    WampPeer.join(await WebSocketTransport.connect(wsUrl, { maxMessageBytes: LIMIT }), 'test_realm', { onResultTooBig });
  const session = await connect((procedure, error) => registry.resultTooBig(procedure, error.bytes, error.limit));
  await registry.join(session);
  const client = await connect();
  try {
    // main starts a tick after the join (as in Python), and only then is session.data the live table: wait until it runs.
    for (let tries = 0;; tries++) {
      const status = await client.call('observatory.registry.ops', ['status', 'main']);
      if ((status.args[0] as [number, string, { status: string }])[2].status === 'running') break;
      assert.ok(tries < 1000, 'main never started');
    }
    const now = systemClock.now();
    for (let i = 0; i < 50; i++) registry.registry.ingest(...heartbeat(`small-${i}`), now);
    const small = await client.call('observatory.registry.ops', ['status', 'main']);
    assert.equal(Object.keys((small.args[0] as [number, string, { data: object }])[2].data).length, 50);

    for (let i = 0; i < 600; i++) registry.registry.ingest(...heartbeat(`agent-${i}`), now);
    const failure = await client.call('observatory.registry.ops', ['status', 'main']).then(() => null, (e: unknown) => e);
    assert.ok(failure instanceof WampError, String(failure));
    assert.equal(failure.error, 'wamp.error.payload_size_exceeded');
    assert.match(String(failure.args[0]), /The result of 'observatory\.registry\.ops' is \d+ bytes, over the router's message limit of 65536 bytes/);
    assert.match(String(failure.args[0]), /HTTP API/);
    assert.equal(registry.resultsTooBig, 1);
    assert.equal(session.isOpen, true, 'the registry is still joined');
    assert.equal(registry.ready, true);
    // And still answers what fits.
    const api = await client.call('observatory.registry', ['get_tasks']);
    assert.ok(Array.isArray(api.args[0]));
  } finally {
    await client.leave().catch(() => {});
    await registry.leave().catch(() => {});
    await session.leave().catch(() => {});
  }
}

describe('a main.status() reply over the router message limit', () => {
  it('through the simulator endpoint (max_message_size from the crossbar config)', async () => {
    const endpoint = await startEndpoint({ config: parseCrossbarConfig(JSON.stringify(limitedConfig())), port: 0 });
    after(() => endpoint.close());
    await checkBigReply(endpoint.wsUrl);
  });

  it('through a real crossbar', { skip: skipWithoutCrossbar() }, async () => {
    const crossbar = await startCrossbar({ config: limitedConfig() });
    after(() => crossbar.close());
    await checkBigReply(crossbar.wsUrl);
  });
});
