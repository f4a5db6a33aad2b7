// Failover time of the hot standby (issue 13): two `ocs-registry --standby`
// processes on one router with 10 fake agents; the leader is killed with
// kill -9 `--kills` times (a fresh standby started after each); the time from
// the kill until the standby reports itself leader (GET /api/status, polled
// every 25 ms) is the takeover. Also counts false expiries (any 7 on
// agent_operations) and polls in which two registries published, and per
// kill the feed gap: from the kill to the arrival of the new leader's first
// agent_operations event (StandbyCluster.feedGap), beside the kill to the new
// leader's own leader-since.
//
//   npx node bench/failover.bench.ts [--router crossbar|sim] [--kills 20]
//
// Prints p50/p99/max and writes bench/out/failover-<router>.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { startEndpoint } from '../sim/endpoint/index.ts';
import { startCrossbar } from '../test/support/crossbar.ts';
import { StandbyCluster } from '../test/support/standby-cluster.ts';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}
const routerKind = option('router', 'crossbar');
const kills = Number(option('kills', '20'));

const router = routerKind === 'sim'
  ? await startEndpoint({ port: 0 }).then((e) => ({ wsUrl: e.wsUrl, port: Number(new URL(e.wsUrl).port), close: () => e.close() }))
  : await startCrossbar().then((c) => ({ wsUrl: c.wsUrl, port: c.port, close: () => c.close() }));
const cluster = new StandbyCluster(router.wsUrl, router.port);
const takeovers: number[] = [];
/** Per kill: seconds from the kill to the new leader's leader-since, and to its first event here. */
const leads: number[] = [];
const gaps: number[] = [];
try {
  await cluster.start(10);
  let leader = await cluster.addRegistry();
  await cluster.waitFor(() => leader.role === 'leader', 15_000, 'the first leader');
  for (let i = 0; i < kills; i++) {
    const standby = await cluster.addRegistry();
    await cluster.waitFor(() => standby.role === 'standby', 10_000, 'a standby');
    await cluster.observe(6500); // a new standby listens for a timeout + 1 s before it may stand up
    const killedAt = cluster.fault();
    leader.signal('SIGKILL');
    takeovers.push(await cluster.waitFor(() => standby.role === 'leader', 10_000, 'the takeover'));
    await cluster.observe(500);
    leads.push(standby.since - killedAt);
    gaps.push(cluster.feedGap(killedAt, standby));
    console.log(
      `kill ${i + 1}: takeover ${takeovers.at(-1)!.toFixed(2)} s (leads after ${leads.at(-1)!.toFixed(2)} s, feed back after ${gaps.at(-1)!.toFixed(2)} s)`,
    );
    leader = standby;
  }
} finally {
  await cluster.close();
  await router.close();
}
const quantile = (xs: readonly number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return +(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number).toFixed(3);
};
const result = {
  router: routerKind,
  kills: takeovers.length,
  p50: quantile(takeovers, 0.5),
  p99: quantile(takeovers, 0.99),
  max: quantile(takeovers, 1),
  /** Feed gap (kill to the new leader's first event here) minus the kill to its leader-since: how much longer than the takeover. */
  feedGapP50: quantile(gaps, 0.5),
  feedGapMax: quantile(gaps, 1),
  feedGapOverTakeoverMax: quantile(gaps.map((g, i) => g - (leads[i] as number)), 1),
  falseExpiries: cluster.falseExpiries,
  doublePublishing: cluster.doublePublishing,
  longestFeedGap: +cluster.longestGap.toFixed(3),
  registryRuntime: `node ${process.versions.node}`,
};
console.log(
  `${routerKind}: ${result.kills} kills, takeover p50 ${result.p50} s, p99 ${result.p99} s, max ${result.max} s; ` +
    `false expiries ${result.falseExpiries}, double publishing ${result.doublePublishing}, feed gap after a kill p50 ${result.feedGapP50} s, ` +
    `max ${result.feedGapMax} s (at most ${result.feedGapOverTakeoverMax} s after the new leader's leader-since), longest feed gap ${result.longestFeedGap} s`,
);
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./out/failover-${routerKind}.json`, import.meta.url), JSON.stringify({ ...result, takeovers, leads, gaps }, null, 2));
