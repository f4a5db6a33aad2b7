// --forget-after over the real wire: ocs-registry as a process, joined to the
// simulator's WebSocket endpoint (OCS's test crossbar config). An agent that
// stops beating expires, then is forgotten: one log line, gone from
// main.status() session.data; its next heartbeat joins it as new.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { heartbeat } from '../support/heartbeats.ts';
import { runProgram } from '../support/spawn-cli.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;
const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

describe('ocs-registry --forget-after over the simulator endpoint', () => {
  it('forgets an agent expired that long, and joins it anew on its next heartbeat', async () => {
    const endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
    const program = runProgram(BIN, [
      ...['--site', 'none', '--site-hub', endpoint.wsUrl, '--site-realm', 'test_realm', '--address-root', 'observatory'],
      ...['--instance-id', 'registry', '--agent-timeout', '3', '--forget-after', '1'],
    ]);
    const client = await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl), 'test_realm');
    // 'live' beats every 200 ms throughout (a driver, not a wait; its 3 s timeout leaves room for a loaded machine): never expired or forgotten.
    const beating = setInterval(() => client.publish(...heartbeat('live')), 200);
    try {
      await program.waitFor(/Registry Agent .* joined/);
      client.publish(...heartbeat('gone'));
      await program.waitFor(/agent joined address="observatory.gone"/);
      await program.waitFor(/agent expired address="observatory.gone"/);
      await program.waitFor(/agent forgotten address="observatory.gone" class="FakeDataAgent" time_expired=\S+: expired for more than --forget-after/);
      const status = await client.call('observatory.registry.ops', ['status', 'main', {}]);
      const data = (status.args[0] as [number, string, { data: Record<string, { expired: boolean }> }])[2].data;
      assert.deepEqual(Object.keys(data), ['observatory.live'], 'gone from main.status() session.data');
      assert.equal(data['observatory.live']?.expired, false);
      client.publish(...heartbeat('gone', { sessionId: 'again' }));
      await program.waitFor(/agent joined address="observatory.gone" class="FakeDataAgent" session="again"/);
      assert.doesNotMatch(program.output(), /agent (expired|forgotten) address="observatory.live"/);
    } finally {
      clearInterval(beating);
      program.child.kill('SIGINT');
      await program.exited;
      await client.leave().catch(() => {});
      await endpoint.close();
    }
  });
});
