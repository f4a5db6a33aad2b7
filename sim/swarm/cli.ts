// `ocs-sim swarm`: run a scenario's swarm against the in-process router (with
// a TypeScript Registry Agent, checked end to end) or over WebSocket against
// any WAMP router, print progress and a summary, and exit non-zero on any
// mismatch between the registry's view and what the swarm did.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import type { Clock } from '../../src/core/clock.ts';
import { RegistryAgent } from '../../src/registry/registry-agent.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { Router } from '../router/index.ts';
import { sharedPump } from '../transport/pump.ts';
import { Checker } from './checker.ts';
import { type Connector, inProcessConnector, webSocketConnector } from './connection.ts';
import { parseSerializerList, SerializerError, type WampSerializer } from '../../src/wamp/serializers/index.ts';
import { DeliveryProbe } from './probe.ts';
import { fileLimitWarning, openFilesLimit, type ProcessApi, ProcessMeter } from './readings.ts';
import { mismatchLines, progressLine, RateSampler, type RunRecord, type SetupFailureRecord, summaryLines, verdictLine, verdictOf } from './report.ts';
import { RouterWatch } from './router-watch.ts';
import { SCENARIO_FLAG_SPECS, scenarioFromFlags } from './scenario-args.ts';
import { type FlagSpec, parseFlags } from '../cli/flags.ts';
import { UsageError } from '../../src/config/errors.ts';
import { Swarm } from './swarm.ts';

export const SWARM_HELP = `Usage: ocs-sim swarm [options]

Spawns fake OCS agents (real agents on the wire: get_api, ops, heartbeats)
and checks a registry's view of them against what they did.

Where:
  --in-process            own in-process router + TypeScript registry (default without --url)
  --url URL               a WAMP router over WebSocket, e.g. ws://127.0.0.1:8001/ws
  --realm NAME            WAMP realm (default test_realm)
  --registry ADDRESS      check this registry (default in-process: {root}.registry)
  --json FILE             write the run's JSON record
  --no-observer           with --url: no wildcard subscription of our own to time
                          heartbeats (it doubles the router's heartbeat deliveries)
  --serializer LIST       with --url: the WAMP serializers to offer, in order: json,
                          msgpack, cbor, each also .batched (default json); real
                          agents (autobahn-python) offer cbor.batched,cbor,msgpack,json
  --quiet                 no progress line

Scenario (also from --scenario FILE, JSON or YAML with the same keys):
  --agents N  --root observatory  --name 'swarm-{i}'  --rate HZ  --jitter 0.05
  --ops realistic|N  --starts-per-min  --finishes-per-min  --fails-per-min  --degrades-per-min
  --crash-per-min  --restart-after SECONDS|never  --hb-off-per-min  --hb-off-seconds
  --partitions-per-min  --partition-size 0.01  --partition-seconds  --churn-per-min
  --data-feed SHARE  --seed N  --duration SECONDS (0: until Ctrl-C)
  --timeout 5  --tolerance 3  --staleness 1.5  --poll 1  --connect-concurrency 64

Every run prints a verdict and, with --json, writes its record: on a pass, a
fail, a lost router, and a setup that failed. CPU or memory readings the
runtime cannot give are reported as unavailable. Refused connections are
retried with back-off and counted. Each WebSocket is a file descriptor: above
the open-files limit (ulimit -n), run several swarms with different --name.

Exit code: 0 on a pass, 1 on a fail (mismatches, router lost, agents that
never joined), 2 on bad options or a setup that failed.`;

const SWARM_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', short: 'h' },
  'in-process': { type: 'boolean' },
  quiet: { type: 'boolean' },
  'no-observer': { type: 'boolean' },
  url: { type: 'string' },
  realm: { type: 'string' },
  registry: { type: 'string' },
  json: { type: 'string' },
  scenario: { type: 'string' },
  serializer: { type: 'string' },
  ...SCENARIO_FLAG_SPECS,
};

export interface SwarmIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Rewrite the progress line in place (a terminal); otherwise print it every 10 s. */
  progress?: (line: string) => void;
  clock?: Clock;
  /** Where CPU and memory readings come from (default: this process). */
  processApi?: ProcessApi;
}

/** Split argv into flag -> value ("true" for a boolean); throws UsageError for unknown flags or missing values. */
export function parseSwarmArgs(argv: readonly string[]): Map<string, string> {
  const flags = parseFlags(argv, SWARM_FLAGS, 'ocs-sim swarm');
  return new Map([...flags].map(([flag, value]) => [flag, value === true ? 'true' : value]));
}

function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `bun ${g.Bun.version}`;
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

const defaultIo: SwarmIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr.isTTY ? (line) => process.stderr.write(`\r${line}\x1b[K`) : undefined,
};

/** Wait `ms` on the clock, or until `cancel` is called (Ctrl-C). */
function wait(clock: Clock, ms: number | null): { done: Promise<void>; cancel: () => void } {
  let cancel = () => {};
  const done = new Promise<void>((resolve) => {
    const stop = ms === null ? () => {} : clock.after(ms, resolve);
    cancel = () => {
      stop();
      resolve();
    };
  });
  return { done, cancel };
}

/** Let in-flight in-process messages arrive (the pump yields to timers after a long batch). */
async function drain(clock: Clock, inProcess: boolean): Promise<void> {
  if (!inProcess) return wait(clock, 500).done;
  for (let i = 0; i < 100 && sharedPump.pending > 0; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

export async function swarmMain(argv: string[], io: SwarmIo = defaultIo): Promise<number> {
  let flags: Map<string, string>;
  let scenario;
  let serializers: WampSerializer[];
  try {
    flags = parseSwarmArgs(argv);
    if (flags.has('--help')) {
      io.out(SWARM_HELP);
      return 0;
    }
    scenario = scenarioFromFlags(flags);
    if (flags.has('--url') && flags.has('--in-process')) throw new UsageError('Give either --url or --in-process, not both.');
    if (flags.has('--no-observer') && !flags.has('--url')) throw new UsageError('--no-observer needs --url (in-process, the registry itself is timed).');
    if (flags.has('--serializer') && !flags.has('--url')) throw new UsageError('--serializer needs --url (in-process, messages are not serialized).');
    serializers = parseSerializerList(flags.get('--serializer') ?? 'json');
  } catch (err) {
    if (err instanceof UsageError || err instanceof SerializerError) {
      io.err(`ocs-sim swarm: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const clock = io.clock ?? systemClock;
  const realm = flags.get('--realm') ?? 'test_realm';
  const url = flags.get('--url');
  const inProcess = url === undefined;
  const observed = inProcess || !flags.has('--no-observer');
  const registryAddress = flags.get('--registry') ?? (inProcess ? `${scenario.root}.registry` : undefined);
  const mode = inProcess ? 'in-process' : `websocket ${url}`;
  const json = flags.get('--json');
  const writeRecord = (record: RunRecord | SetupFailureRecord) => {
    if (json === undefined) return;
    try {
      writeFileSync(json, `${JSON.stringify(record, null, 2)}\n`);
    } catch (err) {
      io.err(`ocs-sim swarm: cannot write the record to "${json}": ${(err as Error).message}`);
    }
  };
  const filesLimit = openFilesLimit();
  if (!inProcess) {
    const warning = fileLimitWarning(scenario.agents + 2, filesLimit);
    if (warning !== null) io.err(`ocs-sim swarm: warning: ${warning}`);
  }

  let router: Router | null = null;
  let registry: RegistryAgent | null = null;
  let connect: Connector;
  if (inProcess) {
    router = new Router({ realms: [realm] });
    connect = inProcessConnector(router, realm);
  } else {
    connect = webSocketConnector(url, realm, serializers);
  }
  let t0 = clock.now();
  let run = wait(clock, null);
  const watch = new RouterWatch(() => clock.now() - t0, (loss) => {
    io.err(`ocs-sim swarm: lost the router at ${loss.at.toFixed(1)} s: ${loss.reason}; the run ends now.`);
    run.cancel();
  });
  const swarm = new Swarm(scenario, { clock, connect, log: io.err, onConnectionLost: (reason, up) => watch.agentLost(reason, up) });
  const probe = new DeliveryProbe(swarm);
  const sessions: WampSession[] = [];
  let checker: Checker | null = null;
  try {
    if (router) {
      registry = new RegistryAgent({
        address: registryAddress!,
        addressRoot: scenario.root,
        clock,
        hostname: 'swarm',
        pid: process.pid,
        agentTimeout: scenario.timeout,
        maxAgents: Math.max(100_000, scenario.agents * 2 + 1000),
      });
      // Time heartbeats where the registry receives them.
      registry.heartbeatHandler = probe.wrap(registry.heartbeatHandler);
      const session = await router.connect(realm);
      sessions.push(session);
      await registry.join(session);
    } else if (observed) {
      const observer = (await connect()).session;
      sessions.push(observer);
      await probe.subscribe(observer, scenario.root);
    }
    if (registryAddress !== undefined) {
      const session = (await connect()).session;
      sessions.push(session);
      checker = new Checker(swarm, { clock, registry: registryAddress, ...scenario });
      await checker.attach(session);
    }
  } catch (err) {
    const reason = `cannot set up (${mode}): ${(err as Error).message}`;
    io.err(`ocs-sim swarm: ${reason}`);
    const verdict = { pass: false, checked: false, reasons: [reason] };
    io.out(verdictLine(verdict));
    writeRecord({ bench: 'swarm', runtime: runtimeName(), date: new Date().toISOString(), mode, scenario, verdict });
    for (const session of sessions) await session.leave().catch(() => {});
    router?.close();
    return 2;
  }
  for (const session of sessions) watch.watch(session);

  // The system clock's timers are unref'd; this one keeps the process alive (and Bun from spinning) while the run lasts.
  const keepAlive = setInterval(() => {}, 60_000);
  const setup0 = performance.now();
  await swarm.start();
  io.err(`Swarm: ${scenario.agents} agents joined in ${((performance.now() - setup0) / 1000).toFixed(1)} s (${mode})`);

  const meter = new ProcessMeter(io.processApi);
  meter.start();
  t0 = clock.now();
  const sampler = new RateSampler(swarm.stats.heartbeatsSent, t0);
  let cancelProgress = () => {};
  const tick = () => {
    cancelProgress = clock.after(1000, tick);
    const now = clock.now();
    const rate = sampler.sample(swarm.stats.heartbeatsSent, now);
    const line = progressLine({
      elapsed: now - t0,
      up: swarm.stats.up,
      agents: swarm.stats.agents,
      expired: checker?.reportedExpired ?? null,
      heartbeatsPerSecond: rate,
      sent: swarm.stats.heartbeatsSent,
      delivered: observed ? probe.delivered : null,
      errors: swarm.stats.connectErrors + swarm.stats.connectionsLost + (checker ? checker.stats.mismatches + checker.stats.pollErrors : 0),
    });
    if (flags.has('--quiet')) return;
    if (io.progress) io.progress(line);
    else if (Math.round(now - t0) % 10 === 0) io.err(line);
  };
  cancelProgress = clock.after(1000, tick);
  run = wait(clock, scenario.duration > 0 ? scenario.duration * 1000 : null);
  if (watch.lost) run.cancel(); // lost while the agents were joining
  const onSignal = () => run.cancel();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await run.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  cancelProgress();
  if (io.progress && !flags.has('--quiet')) io.err('');

  const seconds = clock.now() - t0;
  const readings = meter.read();
  watch.ending();
  let error: string | null = null;
  try {
    await swarm.stop();
    await drain(clock, inProcess);
    if (checker) {
      if (!watch.lost) await checker.poll();
      checker.finish(clock.now());
      await checker.detach();
    }
  } catch (err) {
    error = (err as Error).message ?? String(err);
  }
  const sent = swarm.stats.heartbeatsSent;
  const record: RunRecord = {
    bench: 'swarm',
    runtime: runtimeName(),
    date: new Date().toISOString(),
    mode,
    scenario,
    seconds,
    swarm: { ...swarm.stats },
    heartbeatRate: sampler.summary(),
    delivery: {
      sent,
      delivered: observed ? probe.delivered : null,
      percent: observed && sent > 0 ? (100 * probe.delivered) / sent : null,
      lagged: probe.lagged,
      measuredAt: inProcess ? 'registry heartbeat handler' : 'own wildcard subscription',
    },
    latency: { ...probe.latency.summary(), unit: 'us', measuredAt: inProcess ? 'agent publish -> registry handler' : 'agent publish -> router -> subscriber' },
    checker: checker && registryAddress ? { ...checker.stats, registry: registryAddress, pass: checker.stats.mismatches === 0 } : null,
    registryLag: checker ? { opChange: checker.opChangeLag.summary(), expiryAfterTimeout: checker.expiryLag.summary(), unit: 'us' } : null,
    mismatches: checker ? checker.mismatches.slice(0, 100) : [],
    cpuShare: readings.cpuShare,
    rssBytes: readings.rssBytes,
    unavailable: readings.unavailable,
    openFilesLimit: filesLimit,
    routerLost: watch.lost,
    verdict: { pass: true, checked: false, reasons: [] },
  };
  record.verdict = verdictOf(record, error);
  writeRecord(record);
  for (const line of summaryLines(record)) io.out(line);
  if (checker) { for (const line of mismatchLines(checker.mismatches.slice(0, 20), checker.stats.mismatches)) io.err(line); }

  for (const session of sessions) await session.leave().catch(() => {});
  if (registry) {
    registry.agent.stopAllSessions();
    await registry.leave().catch(() => {});
  }
  router?.close();
  clearInterval(keepAlive);
  return record.verdict.pass ? 0 : 1;
}
