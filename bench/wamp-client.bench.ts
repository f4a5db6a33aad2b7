// WAMP client comparison (issue 5): the project's WampPeer (+ WebSocketTransport)
// against autobahn-js (through bench/support/autobahn-session.ts), both through the
// WampSession seam, both with the JSON serializer, against the simulator
// router running as a SEPARATE process (`bun bin/ocs-sim.ts router`), so this
// process holds only the client sessions and its CPU time is the clients'.
//
//   npx bun bench/wamp-client.bench.ts [--json out.json]
//   npx node --expose-gc bench/wamp-client.bench.ts
//   npx deno run -A --v8-flags=--expose-gc bench/wamp-client.bench.ts
//   npm run bench -- bench/wamp-client.bench.ts --runs 3      (medians, all runtimes)
//   options: --events 200000  --calls 20000  --no-msgpack
//
// Per client: (a) publish -> wildcard subscriber throughput, one publisher
// session and one subscriber session, heartbeat-shaped events over 1,000
// agent topics, at most 2,000 in flight; events/s and this process's CPU
// time per event; (b) RPC calls/s, sequential and 100 in flight; (c) heap
// allocated per publish() (needs --expose-gc on Node/Deno; Bun has Bun.gc);
// (d) registry-relevant behaviours against an in-process endpoint (not timed):
// retrying, console output on close, a call in flight when the router goes,
// an unsendable payload, serializers. autobahn with msgpack is measured
// separately as a note (20,000 events): it is not the like-for-like comparison.

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { startEndpoint } from '../sim/endpoint/index.ts';
import { WampPeer } from '../src/wamp/peer.ts';
import { CallResult, type WampSession } from '../src/wamp/session.ts';
import { WebSocketTransport } from '../src/wamp/websocket-transport.ts';
import { runtimeName } from './support/runtime.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const EVENTS = Number(option('events', '200000'));
const CALLS = Number(option('calls', '20000'));
const JSON_OUT = option('json', '');
const WITH_MSGPACK = !argv.includes('--no-msgpack');
const REALM = 'test_realm';
const AGENTS = 1000;
const WINDOW = 2000;

// ---- console writes, counted: autobahn binds console.warn when it loads, so patch it first ----

type Writer = (...items: unknown[]) => void;
let recording: string[] | null = null;
for (const level of ['log', 'info', 'warn', 'error'] as const) {
  const original: Writer = console[level].bind(console);
  console[level] = (...items: unknown[]) => {
    if (recording) recording.push(`${level}: ${items.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? String(x))).join(' ')}`);
    else original(...items);
  };
}
async function consoleWritesDuring(action: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  recording = lines;
  try {
    await action();
  } finally {
    recording = null;
  }
  return lines;
}

const { AUTOBAHN_VERSION, connectAutobahn, setAutobahnWarn } = await import('./support/autobahn-session.ts');
// Raw autobahn for the behaviour probes (what it does without the adapter).
// @ts-ignore -- autobahn ships no types
const rawModule = (await import('autobahn')) as { default?: unknown };
interface RawConnection {
  _max_retries: number;
  _initial_retry_delay: number;
  _max_retry_delay: number;
  _retry_delay_growth: number;
  onopen: ((session: { call(p: string): PromiseLike<unknown>; register(p: string, e: () => unknown): PromiseLike<unknown> }) => void) | null;
  onclose: ((reason: string, details: { will_retry: boolean }) => boolean | undefined) | null;
  open(): void;
  close(): void;
}
const raw = (rawModule.default ?? rawModule) as {
  Connection: new (options: Record<string, unknown>) => RawConnection;
  serializer: Record<string, unknown>;
  transports: { list(): string[] };
};

// ---- clients under test ----

interface Client {
  name: string;
  serializer: string;
  connect(url: string): Promise<WampSession>;
}
const CLIENTS: Client[] = [
  { name: 'WampPeer', serializer: 'json', connect: async (url) => WampPeer.join(await WebSocketTransport.connect(url), REALM) },
  { name: 'autobahn', serializer: 'json', connect: (url) => connectAutobahn(url, REALM) },
];
const MSGPACK_NOTE: Client = { name: 'autobahn', serializer: 'msgpack', connect: (url) => connectAutobahn(url, REALM, { protocols: ['wamp.2.msgpack'] }) };

// ---- the router: a separate Bun process ----

interface RouterProcess {
  url: string;
  /** SIGTERM: GOODBYE to every session, then exit. */
  stop(): Promise<void>;
  /** SIGKILL: connections drop without a word, as when a router host dies. */
  kill(): Promise<void>;
}

async function startRouterProcess(): Promise<RouterProcess> {
  const bun = new URL('../node_modules/.bin/bun', import.meta.url).pathname;
  const sim = new URL('../bin/ocs-sim.ts', import.meta.url).pathname;
  const child = spawn(bun, [sim, 'router', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const found = /websocket (ws:\/\/\S+)/.exec(text);
      if (found) resolve(found[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`ocs-sim router exited (${code}) before listening:\n${text}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const routerProcess = await startRouterProcess();
const routerRuntime = `bun ${await new Promise<string>((resolve) => {
  const child = spawn(new URL('../node_modules/.bin/bun', import.meta.url).pathname, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  child.once('exit', () => resolve(out.trim()));
})}`;

// ---- (a) publish -> wildcard subscriber ----

interface Throughput {
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  seconds: number;
}

async function throughput(client: Client, url: string, events: number): Promise<Throughput> {
  const publisher = await client.connect(url);
  const subscriber = await client.connect(url);
  const topics = Array.from({ length: AGENTS }, (_, i) => `observatory.fake-data${i}.feeds.heartbeat`);
  const payloads = topics.map((topic, i) => [[
    { acq: 1, count: 1, set_heartbeat: 1, delay_task: 1 },
    {
      agent_address: `observatory.fake-data${i}`,
      agg_params: {},
      feed_name: 'heartbeat',
      address: topic,
      record: false,
      session_id: '1700000000.123',
      agent_class: 'FakeDataAgent',
    },
  ]]);
  let received = 0;
  let lastOps = 0;
  let wakeAt = Infinity;
  let wake: (() => void) | null = null;
  await subscriber.subscribe('observatory..feeds.heartbeat', (args) => {
    lastOps = (args[0] as [Record<string, number>])[0].acq ?? 0;
    received++;
    if (received >= wakeAt) {
      wakeAt = Infinity;
      wake?.();
    }
  }, { match: 'wildcard' });
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      if (received >= count) return resolve();
      wakeAt = count;
      wake = resolve;
    });

  let next = 0;
  const pump = async (n: number): Promise<void> => {
    const base = received;
    let sent = 0;
    while (sent < n) {
      const room = Math.min(n - sent, WINDOW - (sent - (received - base)));
      for (let i = 0; i < room; i++) {
        const k = next++ % AGENTS;
        publisher.publish(topics[k] as string, payloads[k]);
      }
      sent += room;
      if (sent < n) await until(base + sent - WINDOW / 2);
    }
    await until(base + n);
  };

  await pump(Math.min(20_000, events)); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pump(events);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (lastOps !== 1) throw new Error(`${client.name}: events arrived mangled`);
  await publisher.leave();
  await subscriber.leave();
  return { eventsPerSecond: events / seconds, cpuMicrosPerEvent: (cpu.user + cpu.system) / events, seconds };
}

// ---- (b) RPC ----

interface Rpc {
  sequentialPerSecond: number;
  inFlight100PerSecond: number;
}

async function rpc(client: Client, url: string, calls: number): Promise<Rpc> {
  const callee = await client.connect(url);
  const caller = await client.connect(url);
  await callee.register('observatory.bench.echo', (args) => args[0]);
  const check = (result: CallResult, expected: number) => {
    if (result.args[0] !== expected) throw new Error(`${client.name}: wrong RPC result ${JSON.stringify(result.args)}`);
  };
  const sequential = async (n: number) => {
    for (let i = 0; i < n; i++) check(await caller.call('observatory.bench.echo', [i]), i);
  };
  const concurrent = async (n: number, width: number) => {
    let issued = 0;
    const worker = async () => {
      while (issued < n) {
        const i = issued++;
        check(await caller.call('observatory.bench.echo', [i]), i);
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
  };
  await sequential(1000);
  await concurrent(2000, 100);
  const seqCalls = Math.max(1000, Math.round(calls / 4));
  let t0 = performance.now();
  await sequential(seqCalls);
  const sequentialPerSecond = seqCalls / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await concurrent(calls, 100);
  const inFlight100PerSecond = calls / ((performance.now() - t0) / 1000);
  await caller.leave();
  await callee.leave();
  return { sequentialPerSecond, inFlight100PerSecond };
}

// ---- (c) heap per publish ----

// V8 only (Node, Deno with --expose-gc): JSC (Bun) reports heap size only as of its last collection.
const g = globalThis as { gc?: () => void; Bun?: unknown };
const collectGarbage: (() => void) | null = g.gc && !g.Bun ? () => g.gc?.() : null;

/** Median heap growth per publish() over batches of 1,000 (no subscriber: only the publishing side is counted). */
async function heapPerPublish(client: Client, url: string): Promise<number | null> {
  if (!collectGarbage) return null;
  const session = await client.connect(url);
  const payload = [[{ acq: 1, count: 1 }, { agent_address: 'observatory.fake-data0', feed_name: 'heartbeat', record: false }]];
  const perMessage: number[] = [];
  for (let batch = 0; batch < 25; batch++) {
    await session.publishAcknowledged('observatory.bench.flush'); // the socket has sent the previous batch
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) session.publish('observatory.fake-data0.feeds.heartbeat', payload);
    await null; // autobahn serializes and sends in a microtask per message
    const after = process.memoryUsage().heapUsed;
    if (batch >= 5) perMessage.push((after - before) / 1000);
  }
  await session.leave();
  perMessage.sort((x, y) => x - y);
  return perMessage[Math.floor(perMessage.length / 2)] as number;
}

// ---- (d) behaviours (in-process endpoint, not timed) ----

interface Behaviours {
  consoleWritesOnLeave: number;
  consoleWritesOnRouterShutdown: number;
  sampleLines: string[];
  unsendablePublish: string;
}

async function behaviours(client: Client): Promise<Behaviours> {
  const endpoint = await startEndpoint({ port: 0 });
  const onLeave = await consoleWritesDuring(async () => {
    const session = await client.connect(endpoint.wsUrl);
    await session.leave();
  });
  let unsendablePublish = '';
  const session = await client.connect(endpoint.wsUrl);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const unsendableLines = await consoleWritesDuring(async () => {
    try {
      session.publish('observatory.x.feeds.f', [10n]);
      unsendablePublish = 'returned normally';
    } catch (error) {
      unsendablePublish = `throws ${(error as Error).name} (${(error as Error).message})`;
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // let an unhandled rejection surface
  });
  process.off('unhandledRejection', onUnhandled);
  if (unhandled.length) unsendablePublish += `, then an unhandled promise rejection (${String((unhandled[0] as Error).message ?? unhandled[0])})`;
  if (unsendableLines.length) unsendablePublish += `, ${unsendableLines.length} console line(s)`;
  unsendablePublish += session.isOpen ? '; session stays open' : '; session closed';
  const onLoss = await consoleWritesDuring(async () => {
    const closed = new Promise<void>((resolve) => session.onClose(() => resolve()));
    await endpoint.close();
    await closed;
  });
  return {
    consoleWritesOnLeave: onLeave.length,
    consoleWritesOnRouterShutdown: onLoss.length,
    sampleLines: [...onLeave, ...onLoss].slice(0, 4).map((line) => line.slice(0, 160)),
    unsendablePublish,
  };
}

/** What raw autobahn does by default: retry a dead router how many times, and a call in flight when the router goes. */
async function autobahnDefaults(): Promise<Record<string, unknown>> {
  const gone = await startEndpoint({ port: 0 });
  const deadUrl = gone.wsUrl;
  await gone.close();
  const defaults = new raw.Connection({ url: deadUrl, realm: REALM });
  // Same retry count as the default, with the delays shrunk so the probe takes milliseconds.
  let attempts = 0;
  const lines = await consoleWritesDuring(() =>
    new Promise<void>((resolve) => {
      const probe = new raw.Connection({ url: deadUrl, realm: REALM, initial_retry_delay: 0.001, max_retry_delay: 0.002, use_es6_promises: true });
      probe.onclose = (_reason, details) => {
        attempts++;
        if (!details.will_retry) resolve();
        return undefined;
      };
      probe.open();
    })
  );
  let giveUpSeconds = 0;
  for (let k = 0, delay = defaults._initial_retry_delay; k < defaults._max_retries; k++, delay *= defaults._retry_delay_growth) {
    giveUpSeconds += Math.min(delay, defaults._max_retry_delay);
  }

  // A call in flight when the router process dies, without the adapter and with it.
  const inFlight: Record<string, string> = {};
  const rawCall = async (url: string) => {
    const connection = new raw.Connection({ url, realm: REALM, max_retries: 0, use_es6_promises: true });
    const closed = new Promise<void>((resolve) => (connection.onclose = () => {
      resolve();
      return true;
    }));
    const session = await new Promise<Parameters<NonNullable<RawConnection['onopen']>>[0]>((resolve) => {
      connection.onopen = resolve;
      connection.open();
    });
    return { call: () => Promise.resolve(session.call('observatory.bench.slow')), closed };
  };
  const adapterCall = async (url: string) => {
    const session = await connectAutobahn(url, REALM);
    const closed = new Promise<void>((resolve) => session.onClose(() => resolve()));
    return { call: () => session.call('observatory.bench.slow'), closed };
  };
  const peerCall = async (url: string) => {
    const session = await CLIENTS[0]!.connect(url);
    const closed = new Promise<void>((resolve) => session.onClose(() => resolve()));
    return { call: () => session.call('observatory.bench.slow'), closed };
  };
  for (const [name, start] of [['autobahn (raw)', rawCall], ['autobahn (adapter)', adapterCall], ['WampPeer', peerCall]] as const) {
    const router = await startRouterProcess();
    const callee = await CLIENTS[0]!.connect(router.url);
    let invoked!: () => void;
    const invokedPromise = new Promise<void>((resolve) => (invoked = resolve));
    await callee.register('observatory.bench.slow', () => {
      invoked();
      return new Promise(() => {});
    });
    let outcome = 'still pending 500 ms after the connection closed';
    await consoleWritesDuring(async () => {
      const caller = await start(router.url);
      caller.call().then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = `rejected (${String((error as { error?: string }).error ?? error)})`),
      );
      await invokedPromise;
      await router.kill();
      await caller.closed;
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    inFlight[name] = outcome;
  }
  return {
    defaultMaxRetries: defaults._max_retries,
    defaultRetryDelaySeconds: { initial: defaults._initial_retry_delay, growth: defaults._retry_delay_growth, max: defaults._max_retry_delay },
    defaultGivesUpAfterSeconds: Math.round(giveUpSeconds),
    probeConnectionAttempts: attempts,
    probeConsoleWrites: lines.length,
    callInFlightWhenRouterDies: inFlight,
    serializers: Object.keys(raw.serializer).map((name) => name.replace('Serializer', '').toLowerCase()),
    transports: raw.transports.list(),
  };
}

// ---- run ----

const runtime = runtimeName();
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`${runtime}, ${cpus().length} cores; router: ${routerRuntime} (separate process) at ${routerProcess.url}; autobahn ${AUTOBAHN_VERSION}`);

const results: Record<string, { throughput: Throughput; rpc: Rpc | null; heapBytesPerPublish: number | null }> = {};
const behaviour: Record<string, Behaviours> = {};
const autobahnWarn = setAutobahnWarn(() => {}); // its close lines stay out of the timed phases
try {
  for (const client of [...CLIENTS, ...(WITH_MSGPACK ? [MSGPACK_NOTE] : [])]) {
    const key = `${client.name}-${client.serializer}`;
    const isNote = client === MSGPACK_NOTE;
    const events = isNote ? Math.min(EVENTS, 20_000) : EVENTS; // msgpack5 is ~10x slower: keep the note short
    const t = await throughput(client, routerProcess.url, events);
    console.log(
      `${key.padEnd(17)} publish -> wildcard subscriber: ${fmt(t.eventsPerSecond)} events/s, client CPU ${t.cpuMicrosPerEvent.toFixed(2)} µs/event (${
        fmt(events)
      } in ${t.seconds.toFixed(2)} s)`,
    );
    const r = isNote ? null : await rpc(client, routerProcess.url, CALLS);
    if (r) console.log(`${key.padEnd(17)} RPC: ${fmt(r.sequentialPerSecond)} calls/s sequential, ${fmt(r.inFlight100PerSecond)} calls/s with 100 in flight`);
    const heap = isNote ? null : await heapPerPublish(client, routerProcess.url);
    if (!isNote) {
      console.log(
        `${key.padEnd(17)} heap per publish(): ${
          heap === null ? `not measured (${g.Bun ? 'not measurable on Bun' : 'run with --expose-gc'})` : `${fmt(heap)} bytes`
        }`,
      );
    }
    results[key] = { throughput: t, rpc: r, heapBytesPerPublish: heap };
  }
  setAutobahnWarn(autobahnWarn);
  for (const client of CLIENTS) {
    const b = await behaviours(client);
    behaviour[client.name] = b;
    console.log(
      `${client.name.padEnd(9)} console writes: ${b.consoleWritesOnLeave} on leave, ${b.consoleWritesOnRouterShutdown} on router shutdown${
        b.sampleLines.length ? ` (e.g. ${JSON.stringify(b.sampleLines[0])})` : ''
      }`,
    );
    console.log(`${client.name.padEnd(9)} publish of an unsendable payload (BigInt): ${b.unsendablePublish}`);
  }
} finally {
  await routerProcess.stop();
}
const defaults = await autobahnDefaults();
console.log(
  `autobahn defaults: gives up after ${String(defaults.defaultMaxRetries)} retries (~${
    String(defaults.defaultGivesUpAfterSeconds)
  } s with default delays); probe made ${String(defaults.probeConnectionAttempts)} attempts and ${String(defaults.probeConsoleWrites)} console writes`,
);
for (const [name, outcome] of Object.entries(defaults.callInFlightWhenRouterDies as Record<string, string>)) {
  console.log(`a call in flight when the router process is killed, ${name}: ${outcome}`);
}
console.log(
  `autobahn serializers: ${(defaults.serializers as string[]).join(', ')}; transports: ${
    (defaults.transports as string[]).join(', ')
  }. WampPeer: json over WebSocket`,
);

const record = {
  bench: 'wamp-client',
  runtime,
  cores: cpus().length,
  router: `${routerRuntime}, separate process`,
  autobahn: AUTOBAHN_VERSION,
  events: EVENTS,
  calls: CALLS,
  date: new Date().toISOString(),
  results,
  behaviour,
  autobahnDefaults: defaults,
};
if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify(record, null, 2) + '\n');
  console.log(`record: ${JSON_OUT}`);
}
