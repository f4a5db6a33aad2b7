// Log growth end to end (issue 10): the `ocs-registry` program, on the runtime
// under test, writes its log file ({log-dir}/{address}.log, as Python does)
// while callers over the real wire (a real crossbar and the simulator's
// endpoint) hand it hostile text: register_agent with 64 KiB addresses x200
// and with addresses that carry newlines, carriage returns and terminal
// escapes shaped as log lines, and heartbeats whose agent class, session id
// and address carry the same. The log grows by a bounded amount per call, and
// no line in it is one the callers wrote.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { msgpack } from '../../src/wamp/serializers/index.ts';
import type { Args, WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { type Program, runProgram } from '../support/spawn-cli.ts';

const BIN = new URL('../../bin/ocs-registry.ts', import.meta.url).pathname;
const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;
const REALM = 'test_realm';
const ROOT = 'observatory';
const REGISTRY = `${ROOT}.registry`;
const HUGE_CALLS = 200;
const FORGING_CALLS = 50;
/** A forged line starts with this timestamp: the registry never writes it. */
const FORGED_AT = '1999-01-01T00:00:00.000Z';
const FORGED = `\n${FORGED_AT} Registry Agent ${REGISTRY} joined; FORGED\r${FORGED_AT} FORGED\u001b[2J\u2028${FORGED_AT} FORGED`;
/**
 * Five lines per call whatever the address (~550 bytes; the address is cut to
 * 120 characters and escaped): the task's session log as in Python (starting,
 * running, its message, done) and the deprecation warning with the address.
 */
const BYTES_PER_CALL = 1024;
/** The log grows by less than this for everything below (Python's and ours before: 13 MB for the 64 KiB calls alone). */
const BOUND = (HUGE_CALLS + FORGING_CALLS) * BYTES_PER_CALL + 16 * 1024;
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

interface Router {
  wsUrl: string;
  close(): Promise<void>;
}

function feed(address: string, extra: Record<string, unknown>) {
  return { agent_address: address, agg_params: {}, feed_name: 'heartbeat', address: `${address}.feeds.heartbeat`, record: false, ...extra };
}

/** Start register_agent with this address and wait for it to end (a task runs one at a time, as in OCS). */
async function registerAgent(caller: WampSession, address: string): Promise<void> {
  const started = await caller.call(`${REGISTRY}.ops`, ['start', 'register_agent', { agent_address: address }]);
  assert.equal((started.args[0] as [number])[0], 0, JSON.stringify(started.args).slice(0, 300));
  await caller.call(`${REGISTRY}.ops`, ['wait', 'register_agent', { timeout: 10 }]);
}

function logGrowth(name: string, startRouter: () => Promise<Router>, skip: string | false): void {
  describe(`log growth through ${name}`, { skip, timeout: 120_000 }, () => {
    let router: Router;
    let program: Program;
    let caller: WampSession;
    const dir = mkdtempSync(join(tmpdir(), 'registry-log-'));
    const file = join(dir, `${REGISTRY}.log`);

    before(async () => {
      router = await startRouter();
      program = runProgram(BIN, [
        ...['--site', 'none', '--site-hub', router.wsUrl, '--site-realm', REALM, '--address-root', ROOT, '--instance-id', 'registry'],
        ...['--log-dir', dir, '--state-file', 'none', '--crossbar-timeout', '0'],
      ]);
      await program.waitFor(/Registry Agent observatory\.registry joined/, 60_000);
      caller = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl, { serializers: [msgpack], maxMessageBytes: 0 }), REALM);
    });

    after(async () => {
      await caller?.leave().catch(() => {});
      program?.child.kill('SIGINT');
      await program?.exited;
      await router?.close();
      if (!process.env.KEEP_LOG) rmSync(dir, { recursive: true, force: true });
      else console.log(dir);
    });

    it(`register_agent with 64 KiB addresses x${HUGE_CALLS} and log-line-shaped ones x${FORGING_CALLS}, hostile heartbeats: bounded growth, no forged line`, async () => {
      const before = statSync(file).size;
      for (let i = 0; i < HUGE_CALLS; i++) await registerAgent(caller, `${i}`.padEnd(64 * 1024, 'x'));
      for (let i = 0; i < FORGING_CALLS; i++) await registerAgent(caller, `forger-${i}${FORGED}`);

      // Heartbeats carry caller text too: the agent class and session id go into the join line; an address
      // with an escape; text too long to accept goes into a rejection line (cut). The agent's own join is the sync.
      const agent = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl, { serializers: [msgpack] }), REALM);
      try {
        const heartbeat = (id: string, extra: Record<string, unknown>): [string, Args] => [
          `${ROOT}.${id}.feeds.heartbeat`,
          [[{ acq: 1 }, feed(`${ROOT}.${id}`, extra)]],
        ];
        const events = [
          heartbeat('evil', { agent_class: `Class${FORGED}`, session_id: `1.5${FORGED}` }),
          heartbeat('esc\u001b[2Japed', { agent_class: 'Plain' }),
          heartbeat('toolong', { agent_class: `Class${FORGED}`.repeat(4000) }),
          heartbeat('last', { agent_class: 'Sync' }),
        ];
        for (const [topic, args] of events) await agent.publishAcknowledged(topic, args);
        await program.waitFor(/agent joined address="observatory\.last"/, 20_000);
      } finally {
        await agent.leave().catch(() => {});
      }

      const text = readFileSync(file, 'utf8');
      const growth = statSync(file).size - before;
      assert.ok(growth < BOUND, `the log grew by ${growth} bytes, over ${BOUND}`);
      const lines = text.split('\n').slice(0, -1);
      assert.deepEqual(lines.filter((l) => !LINE.test(l)).slice(0, 3), [], "every line starts with the registry's own timestamp");
      assert.deepEqual(lines.filter((l) => l.startsWith(FORGED_AT)), [], 'no forged line');
      assert.deepEqual(
        ['\r', '\u001b', '\u2028', '\u2029'].filter((c) => text.includes(c)),
        [],
        'no carriage return, terminal escape or Unicode line separator',
      );
      assert.ok(lines.every((l) => l.length < 2048), 'every line bounded');
      assert.equal(
        lines.filter((l) => l.includes('register_agent task has been deprecated')).length,
        HUGE_CALLS + FORGING_CALLS,
        'one warning per call',
      );
      assert.ok(lines.some((l) => l.includes('agent joined address="observatory.evil"')), 'the hostile agent class and session were logged, escaped');
      console.log(`log growth ${name}: ${HUGE_CALLS + FORGING_CALLS} calls and 4 heartbeats grew the log by ${growth} bytes (bound ${BOUND})`);
    });
  });
}

logGrowth('crossbar', async () => {
  const crossbar = await startCrossbar();
  return { wsUrl: crossbar.wsUrl, close: () => crossbar.close() };
}, skipWithoutCrossbar());

logGrowth('the simulator', async () => {
  const endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
  return { wsUrl: endpoint.wsUrl, close: () => endpoint.close() };
}, false);
