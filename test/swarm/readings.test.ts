import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileLimitWarning, openFilesLimit, ProcessMeter } from '../../sim/swarm/readings.ts';
import { RouterWatch } from '../../sim/swarm/router-watch.ts';
import { retryDelaySeconds } from '../../sim/swarm/swarm.ts';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             unlimited            unlimited            processes
Max open files            20000                20000                files
`;

describe('swarm readings', () => {
  it('reports CPU and RSS, or "unavailable" with why when the runtime throws', () => {
    let now = 0;
    const ok = new ProcessMeter(
      { cpuUsage: (p) => (p ? { user: 500_000 - p.user, system: 0 } : { user: 0, system: 0 }), memoryUsage: () => ({ rss: 42 }) },
      () => now,
    );
    ok.start();
    now = 1000;
    assert.deepEqual(ok.read(), { cpuShare: 0.5, rssBytes: 42, unavailable: [] });

    const failing = new ProcessMeter({
      cpuUsage: () => {
        throw new Error('getrusage failed');
      },
      memoryUsage: () => {
        throw new Error('Failed to get memory usage');
      },
    }, () => now);
    failing.start();
    now = 2000;
    assert.deepEqual(failing.read(), {
      cpuShare: null,
      rssBytes: null,
      unavailable: ['CPU: getrusage failed', 'memory: Failed to get memory usage'],
    });
  });

  it('reads the open-files limit and warns when the connections will not fit', () => {
    assert.equal(openFilesLimit(() => LIMITS), 20000);
    assert.equal(openFilesLimit(() => LIMITS.replace('20000                20000', 'unlimited            unlimited')), null);
    assert.equal(
      openFilesLimit(() => {
        throw new Error('ENOENT');
      }),
      null,
    );
    assert.equal(fileLimitWarning(10_000, 20_000), null);
    assert.equal(fileLimitWarning(10_000, null), null);
    assert.match(
      fileLimitWarning(20_002, 20_000)!,
      /20002 connections need about 20066 file descriptors, but this process may open 20000 .* at most 19936 agents each/,
    );
  });

  it('backs off from 0.5 s to 30 s, spread by the random draw', () => {
    assert.equal(retryDelaySeconds(1, 0.5), 0.5);
    assert.equal(retryDelaySeconds(2, 0.5), 1);
    assert.equal(retryDelaySeconds(3, 0), 1);
    assert.equal(retryDelaySeconds(20, 0.5), 30);
    assert.equal(retryDelaySeconds(20, 0.999), 30 * 1.499);
  });

  it('calls out a lost router once: an own session closing, or every agent lost; not while ending', () => {
    const losses: string[] = [];
    let listener: (reason: string) => void = () => {};
    const session = { onClose: (l: (reason: string) => void) => void (listener = l) };
    const watch = new RouterWatch(() => 12.5, (loss) => losses.push(`${loss.at} ${loss.reason}`));
    watch.watch(session as never);
    watch.agentLost('connection closed (code 1006)', 3);
    assert.equal(losses.length, 0);
    watch.agentLost('connection closed (code 1006)', 0);
    listener('router restarted');
    assert.deepEqual(losses, ["12.5 every agent's connection was closed: connection closed (code 1006)"]);
    assert.equal(watch.lost?.at, 12.5);

    const quiet = new RouterWatch(() => 1, (loss) => losses.push(loss.reason));
    quiet.watch(session as never);
    quiet.ending();
    listener('wamp.close.normal');
    assert.equal(quiet.lost, null);
  });
});
