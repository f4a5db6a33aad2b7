// The page tells more than alive/expired, in real Chromium: an agent's detail
// on click, suspect, flapping and missing rows, "expired … ago", sorting, an
// empty filter result, and every row marked stale when the registry loses
// its router. Screenshots go to bench/out/ (test artifacts).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type RunningServer, serve } from '../../src/runtime/serve.ts';
import type { HeartbeatSpec } from '../support/heartbeats.ts';
import { settle } from '../support/settle.ts';
import { closeAll, launchBrowser, skipReason } from './browser.ts';
import { type HttpHarness, startHttp } from './helpers.ts';

const OUT = new URL('../../bench/out/', import.meta.url).pathname;
const skip = skipReason();

describe('operation-monitor page: liveness in Chromium', { skip }, () => {
  let h: HttpHarness;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const steady = new Map<string, HeartbeatSpec>([
    ['fake-data1', { ops: { acq: 3, count: 1 } }],
    ['fake-data2', { ops: { acq: 1, count: 5 } }],
    ['lakeshore1', { agentClass: 'LakeshoreAgent', ops: { acq: 3, set_heater: 6 } }],
  ]);
  const everyone = async (skip: string[] = []) => {
    for (const [id, spec] of steady) if (!skip.includes(id)) await h.beat(id, spec);
  };
  const row = (address: string) => `.row[data-address="${address}"]`;
  const shot = (name: string) => {
    mkdirSync(OUT, { recursive: true });
    return page.screenshot({ path: join(OUT, name) });
  };

  before(async () => {
    h = await startHttp({ lagProbeMs: 0 });
    const up = { agentClass: 'HWPSupervisor', host: 'hwp-host', manage: 'host/up' as const, up: true };
    h.net.registry.expected.set([{ ...up, address: 'observatory.hwp-supervisor' }], '/cfg/site.yaml', h.net.clock.now());
    // A second of history for everyone (an interval), then 'quiet' goes silent and 'bouncy' restarts again and again.
    for (let t = 0; t < 2; t++) {
      await everyone();
      await h.beat('quiet', { ops: { acq: 3 } });
      await h.net.advance(1000, 250);
    }
    for (let i = 0; i < 6; i++) {
      await h.beat('bouncy', { agentClass: 'ACUAgent', ops: { go: 3 }, sessionId: `p${i}` });
      await everyone();
      await h.net.advance(1000, 250);
    }
    steady.set('bouncy', { agentClass: 'ACUAgent', ops: { go: 3 }, sessionId: 'p5' });
    await h.beat('gone', { ops: { acq: 3 } });
    for (let t = 0; t < 7; t++) {
      await everyone();
      await h.net.advance(1000, 250);
    }
    await everyone();
    server = await serve(h.app, { port: 0, hostname: '127.0.0.1' });
    ({ profile, context, page } = await launchBrowser());
    await page.goto(`${server.url}/`);
    await page.waitForSelector(row('observatory.fake-data1'));
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live');
  });

  after(() => closeAll({ context, h, server, profile }));

  it('shows suspect, flapping, missing and expired ("… ago") rows distinctly', async () => {
    // 'quiet' went silent 8 s ago: expired. Make 'late' suspect: silent 3 intervals, not yet 5 s.
    await h.beat('late', { ops: { acq: 3 } });
    await h.net.advance(1000, 250);
    await h.beat('late', { ops: { acq: 3 } });
    await everyone();
    await h.net.advance(1000, 250);
    await h.beat('late', { ops: { acq: 3 } });
    await everyone();
    await h.net.advance(1600, 200);
    await everyone();
    await h.net.advance(1600, 200);
    await everyone();
    await page.waitForSelector(`${row('observatory.late')}.suspect`);
    assert.match(await page.textContent(`${row('observatory.late')} .state`) ?? '', /^suspect \(late\) \d+ s$/);
    await page.waitForSelector(`${row('observatory.gone')}.expired`);
    assert.match(await page.textContent(`${row('observatory.gone')} .state`) ?? '', /^expired \d+ s ago$/);
    await page.waitForSelector(`${row('observatory.bouncy')}.flapping .flag:not([hidden])`);
    await page.waitForSelector(`${row('observatory.hwp-supervisor')}.missing`);
    assert.equal(await page.textContent(`${row('observatory.hwp-supervisor')} .state`), 'missing: never heard');
    assert.equal(await page.textContent('#n-missing'), '1');
    assert.equal(await page.textContent('#n-flapping'), '1');
    assert.ok(Number(await page.textContent('#n-suspect')) >= 1);
    await shot('monitor-liveness.png');
  });

  it("opens an agent's detail on click: ops with codes and time in code, heartbeat age, intervals, restarts, history", async () => {
    await page.click(`${row('observatory.bouncy')} .addr`);
    await page.waitForSelector('#detail.open h3');
    assert.equal(await page.textContent('#detail h3'), 'observatory.bouncy');
    const text = (await page.textContent('#detail')) ?? '';
    assert.match(text, /flapping\s*\d+ restarts in 600 s/);
    assert.match(text, /restarts\s*5/);
    assert.match(text, /last heartbeat\s*\d+ s ago \(\d+ heartbeats\)/);
    assert.match(text, /interval\s*last [\d.]+ s, mean [\d.]+ s, jitter [\d.]+ s/);
    const ops = await page.$$eval('#detail tr.op-row', (rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
    assert.deepEqual(ops.map((o) => o.slice(0, 2)), [['go', 'running']]);
    assert.match(ops[0]?.[2] ?? '', /^\d+ s$/);
    const history = await page.$$eval('#detail tr.history th', (els) => els.map((e) => e.textContent));
    assert.ok(history.includes('flapping'), history.join());
    assert.ok(history.includes('restarted (damped)'), 'the damped restart is in the history');
    await shot('monitor-detail.png');
    await page.click('#detail .close');
    await page.waitForSelector('#detail:not(.open)', { state: 'attached' });
  });

  it('sorts by state (problems first) and by address, and says when the filter matches nothing', async () => {
    await page.selectOption('#sort', 'state');
    const first = await page.$$eval('#flat .row', (els) => els.slice(0, 3).map((e) => (e as HTMLElement).dataset.address));
    assert.equal(first[0], 'observatory.hwp-supervisor', 'missing first');
    assert.equal(first[1], 'observatory.gone', 'then expired');
    await page.selectOption('#sort', 'address');
    const all = await page.$$eval('#flat .row', (els) => els.map((e) => (e as HTMLElement).dataset.address ?? ''));
    assert.deepEqual(all, [...all].sort());
    await page.selectOption('#sort', 'class');
    await page.fill('#filter', 'no-such-agent');
    await page.waitForSelector('#nomatch', { state: 'visible' });
    assert.equal(await page.textContent('#nomatch'), 'No agent matches the filter \u201cno-such-agent\u201d.');
    await page.fill('#filter', '');
    await page.waitForSelector('#nomatch', { state: 'hidden' });
  });

  it('marks every row stale, with since, when the registry loses its router', async () => {
    h.net.router.close();
    await settle();
    await page.waitForFunction(() => document.body.classList.contains('stale'), undefined, { timeout: 8000 });
    assert.match(
      await page.textContent('#stale') ?? '',
      /^The registry has not heard heartbeats for \d+ s \(since .+\): every row below may be out of date\.$/,
    );
    const rows = await page.$$eval('.row:not(.missing)', (els) => els.map((e) => e.classList.contains('stale')));
    assert.ok(rows.length > 5 && rows.every(Boolean), 'every heard row is marked stale');
    assert.equal(await page.textContent('#ready'), 'not ready');
    await shot('monitor-stale.png');
  });
});
