// Real Python OCS against the simulator (no crossbar): the simulator endpoint
// and the TypeScript registry run in this process; Python FakeDataAgents run
// as processes, and the real OCSClient and ocs-client-cli talk to them all
// through the simulator's WebSocket endpoint and HTTP bridge.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, type SimEndpoint, startEndpoint } from '../../sim/endpoint/index.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { eventually, ocsClient, type PythonProcess, runPython, type Site, skipWithoutPython, startPythonAgent, writeSite } from './python.ts';

const skip = skipWithoutPython();
const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;
const FAKE_OPS = { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 };

describe('real Python OCS on the simulator', { skip }, () => {
  let endpoint: SimEndpoint;
  let registry: RegistryAgent;
  let site: Site;
  const agents: PythonProcess[] = [];

  before(async () => {
    // OCS's own crossbar test config, served by the simulator on a free port.
    endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
    registry = new RegistryAgent({ address: 'observatory.registry', addressRoot: 'observatory', clock: systemClock, hostname: 'test', pid: 1 });
    await registry.join(await WampPeer.join(await WebSocketTransport.connect(endpoint.wsUrl), 'test_realm'));
    site = writeSite(endpoint.port, [
      { id: 'registry', agentClass: 'RegistryAgent' },
      { id: 'fake-data1', agentClass: 'FakeDataAgent' },
      { id: 'fake-data2', agentClass: 'FakeDataAgent' },
    ]);
    agents.push(startPythonAgent(site, 'fake_data', 'fake-data1'), startPythonAgent(site, 'fake_data', 'fake-data2'));
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await registry.shutdown(1000);
    await endpoint.close();
    site.cleanup();
  });

  it('lists the Python agents with their live op codes', async () => {
    const table = await eventually(
      async () => {
        const t = registry.registry.table();
        return t['observatory.fake-data1'] && t['observatory.fake-data2'] ? t : undefined;
      },
      'both Python agents in the registry',
      60_000,
    );
    for (const id of ['fake-data1', 'fake-data2']) {
      const entry = JSON.parse(JSON.stringify(table[`observatory.${id}`]));
      assert.deepEqual({ ...entry, last_updated: 0 }, {
        expired: false,
        time_expired: null,
        last_updated: 0,
        op_codes: FAKE_OPS,
        agent_class: 'FakeDataAgent',
        agent_address: `observatory.${id}`,
      }, agents.map((a) => a.output()).join('\n'));
    }
    assert.equal(registry.registry.counters.rejected.topic_mismatch, 0);
  });

  it("OCSClient('registry').main.status() shows main running (op_code 3) with the table", async () => {
    const [status, message, session] = await ocsClient(site, 'registry', 'main', 'status');
    assert.deepEqual([status, message], [0, 'Session active.']);
    assert.equal(session.op_code, 3);
    assert.equal(session.session_id, 0);
    assert.ok(session.data['observatory.fake-data1']);
  });

  it('set_heartbeat(False) expires a Python agent (all codes 7); set_heartbeat(True) revives it', async () => {
    const [status] = await ocsClient(site, 'fake-data1', 'set_heartbeat', 'start', { heartbeat: false });
    assert.equal(status, 0);
    const expired = await eventually(
      async () => {
        const e = registry.registry.get('observatory.fake-data1');
        return e?.expired ? JSON.parse(JSON.stringify(e)) : undefined;
      },
      'fake-data1 expired',
      20_000,
    );
    assert.deepEqual(Object.values(expired.op_codes), [7, 7, 7, 7]);
    assert.equal(typeof expired.time_expired, 'number');
    assert.equal(registry.registry.get('observatory.fake-data2')?.expired, false, 'the other agent is unaffected');

    await ocsClient(site, 'fake-data1', 'set_heartbeat', 'start', { heartbeat: true });
    const revived = await eventually(
      async () => {
        const e = registry.registry.get('observatory.fake-data1');
        return e && !e.expired ? JSON.parse(JSON.stringify(e)) : undefined;
      },
      'fake-data1 revived',
      20_000,
    );
    assert.equal(revived.time_expired, null);
    assert.equal(revived.op_codes.set_heartbeat, 5);
  });

  it('ocs-client-cli scan --use-registry lists the agents', async () => {
    const cli = (await import('./python.ts')).findPython()!.replace(/python$/, 'ocs-client-cli');
    const result = await runPython(site, [
      '-c',
      `import sys; sys.argv = ['ocs-client-cli', 'scan', '--use-registry', '--details']; from ocs.client_cli import main; main()`,
    ]);
    assert.equal(result.code, 0, `${cli}: ${result.stderr}`);
    assert.match(result.stdout, /fake-data1/);
    assert.match(result.stdout, /fake-data2/);
  });
});
