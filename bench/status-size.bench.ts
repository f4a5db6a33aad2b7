// main.status() through a real crossbar: reply size and latency by table
// size (issue 10, "big replies fail alone"). A program, not a test:
//   bun bench/status-size.bench.ts [--sizes 1000,10000,100000] [--limits-mib 64,16] [--calls 5] [--json out.json]
// Per size: a crossbar with OCS's test config and max_message_size 64 MiB
// (crossbar's highest) so even 100k agents fit; the Registry Agent joined
// over WebSocket (JSON, as the service) with that limit, its table filled by
// heartbeats through the core; a client calls `{addr}.ops` status main
// through crossbar. Then the same with crossbar's default 16 MiB limit: a
// reply over it is answered with wamp.error.payload_size_exceeded (timed too),
// and the registry stays joined.

import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { RegistryAgent } from '../src/registry/registry-agent.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { WampPeer } from '../src/wamp/peer.ts';
import { json } from '../src/wamp/serializers/index.ts';
import { WampError } from '../src/wamp/session.ts';
import { WebSocketTransport } from '../src/wamp/websocket-transport.ts';
import { startCrossbar } from '../test/support/crossbar.ts';
import { heartbeat } from '../test/support/heartbeats.ts';
import { runtimeName } from './support/runtime.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const SIZES = arg('sizes', '1000,10000,100000').split(',').map(Number);
/** crossbar max_message_size values to run each size with, in MiB. */
const LIMITS = arg('limits-mib', '64,16').split(',').map((m) => Number(m) * 1024 * 1024);
const CALLS = Number(arg('calls', '5'));
const CONFIG = new URL('../test/endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

interface Row {
  agents: number;
  limit: number;
  outcome: string;
  bytes: number;
  medianMs: number;
  maxMs: number;
  stayedJoined: boolean;
}

async function measure(agents: number, limit: number): Promise<Row> {
  const config = JSON.parse(readFileSync(CONFIG, 'utf8'));
  config.workers[0].transports[0].paths.ws.options = { max_message_size: limit };
  const crossbar = await startCrossbar({ config });
  try {
    const registry = new RegistryAgent({
      address: 'observatory.registry',
      addressRoot: 'observatory',
      clock: systemClock,
      hostname: 'bench',
      pid: process.pid,
      maxAgents: agents,
      // No periodic agent_operations republish: 100k agents' would be ~13k events/s, more than crossbar carries here,
      // and the call would wait behind them. This measures the status call alone.
      waitTime: 1e9,
    });
    const session = await WampPeer.join(await WebSocketTransport.connect(crossbar.wsUrl, { maxMessageBytes: limit }), 'test_realm', {
      onResultTooBig: (procedure, error) => registry.resultTooBig(procedure, error.bytes, error.limit),
    });
    await registry.join(session);
    const now = systemClock.now();
    for (let i = 0; i < agents; i++) registry.registry.ingest(...heartbeat(`agent-${i}`), now);
    const client = await WampPeer.join(await WebSocketTransport.connect(crossbar.wsUrl, { serializers: [json], maxMessageBytes: 0 }), 'test_realm');
    const times: number[] = [];
    let outcome = 'ok';
    let bytes = 0;
    for (let c = 0; c < CALLS; c++) {
      const t0 = performance.now();
      try {
        const reply = await client.call('observatory.registry.ops', ['status', 'main']);
        times.push(performance.now() - t0);
        bytes = new TextEncoder().encode(json.encode([50, 1, {}, reply.args]) as string).byteLength;
      } catch (error) {
        times.push(performance.now() - t0);
        outcome = error instanceof WampError ? error.error : String(error);
        bytes = Number(/is (\d+) bytes/.exec(String((error as WampError).args?.[0]))?.[1] ?? 0);
      }
    }
    times.sort((a, b) => a - b);
    const row = {
      agents,
      limit,
      outcome,
      bytes,
      medianMs: times[Math.floor(times.length / 2)] as number,
      maxMs: times.at(-1) as number,
      stayedJoined: session.isOpen && registry.ready,
    };
    await client.leave().catch(() => {});
    await registry.leave().catch(() => {});
    await session.leave().catch(() => {});
    return row;
  } finally {
    await crossbar.close();
  }
}

const rows: Row[] = [];
for (const agents of SIZES) {
  for (const limit of LIMITS) {
    const row = await measure(agents, limit);
    rows.push(row);
    console.log(
      `${runtimeName()} status ${agents} agents, limit ${(limit / 2 ** 20).toFixed(0)} MiB: ${row.outcome}, ${(row.bytes / 1e6).toFixed(2)} MB, ` +
        `median ${row.medianMs.toFixed(1)} ms, max ${row.maxMs.toFixed(1)} ms (${CALLS} calls), registry joined after: ${row.stayedJoined}`,
    );
  }
}
const out = arg('json', '');
if (out) writeFileSync(out, JSON.stringify({ runtime: runtimeName(), calls: CALLS, rows }, null, 2));
