// The operation-monitor page in a real browser (headless Debian Chromium via
// playwright-core): served by serve(), fed by the in-process network on a
// FakeClock. An agent going silent must turn expired on the page. Saves a
// screenshot to bench/out/monitor.png. Skipped when Chromium is missing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type RunningServer, serve } from '../../src/runtime/serve.ts';
import { closeAll, launchBrowser, skipReason } from './browser.ts';
import type { HeartbeatSpec } from '../support/heartbeats.ts';
import { type HttpHarness, startHttp } from './helpers.ts';

const OUT = new URL('../../bench/out/', import.meta.url).pathname;
const skip = skipReason();

describe('operation-monitor page in Chromium', { skip }, () => {
  let h: HttpHarness;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const specs = new Map<string, HeartbeatSpec>();

  before(async () => {
    h = await startHttp({ lagProbeMs: 0 });
    // A small observatory: a few classes, every op code on show.
    const classes = ['FakeDataAgent', 'LakeshoreAgent', 'HWPSupervisor', 'ACUAgent'];
    for (let i = 0; i < 24; i++) {
      const code = (i % 6) + 1;
      const spec = { agentClass: classes[i % 4]!, ops: { acq: code, monitor: i % 3 === 0 ? 8 : 3, set_values: 5, scan: i % 5 === 0 ? 6 : 1 } };
      specs.set(`${classes[i % 4]!.toLowerCase()}-${i}`, spec);
    }
    for (const [id, spec] of specs) await h.beat(id, spec);
    await h.beat('fake1', { ops: { acq: 3, count: 1 } });
    server = await serve(h.app, { port: 0, hostname: '127.0.0.1' });
    ({ profile, context, page } = await launchBrowser());
  });

  after(() => closeAll({ context, h, server, profile }));

  const row = (address: string) => `.row[data-address="${address}"]`;

  it('shows agents grouped by class, op codes as coloured cells, and the registry ready', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector(row('observatory.fake1'));
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live');
    const groups = await page.$$eval('section h2 .name', (els) => els.map((e) => e.textContent));
    assert.deepEqual(groups, ['ACUAgent', 'FakeDataAgent', 'HWPSupervisor', 'LakeshoreAgent']);
    assert.equal(await page.textContent('#n-alive'), '25');
    const cells = await page.$$eval(`${row('observatory.fake1')} .op`, (els) => els.map((e) => [e.textContent, e.className]));
    assert.deepEqual(cells, [['acq', 'op c3'], ['count', 'op c1']]);
    await page.waitForFunction(() => document.getElementById('ready')?.textContent === 'ready');
  });

  it('turns an agent that goes silent expired, live from the event stream', async () => {
    await page.waitForSelector(`${row('observatory.fake1')}.alive`);
    // Everyone else keeps beating; fake1 goes silent past the 5 s timeout.
    for (let t = 0; t < 6; t++) {
      await h.net.advance(1000, 500);
      for (const [id, spec] of specs) await h.beat(id, spec);
    }
    await page.waitForSelector(`${row('observatory.fake1')}.expired`, { timeout: 5000 });
    assert.deepEqual(await page.$$eval(`${row('observatory.fake1')} .op`, (els) => els.map((e) => e.className)), ['op c7', 'op c7']);
    assert.equal(await page.textContent('#n-expired'), '1');
    assert.equal(h.app.events.stream.stats.connected, 1, 'one event stream throughout, never reconnected');
  });

  it('filters rows with the filter box', async () => {
    await page.fill('#filter', 'lakeshore');
    await page.waitForFunction(() => document.getElementById('n-shown')?.textContent === '6');
    assert.equal(await page.$$eval('section:not(.hidden) h2 .name', (els) => els.length), 1);
    mkdirSync(OUT, { recursive: true });
    await page.fill('#filter', '');
    await page.waitForFunction(() => document.getElementById('n-shown')?.textContent === '25');
    await page.screenshot({ path: join(OUT, 'monitor.png'), fullPage: false });
  });
});

describe('operation-monitor page at 10k agents', { skip }, () => {
  let h: HttpHarness;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const ids = Array.from({ length: 10_000 }, (_, i) => `agent-${i}`);

  before(async () => {
    h = await startHttp({ lagProbeMs: 0 });
    await h.beatMany(ids, { ops: { acq: 3, monitor: 3, set_values: 1, scan: 5 } });
    server = await serve(h.app, { port: 0, hostname: '127.0.0.1' });
    ({ profile, context, page } = await launchBrowser());
  });

  after(() => closeAll({ context, h, server, profile }));

  it('loads 10k agents, applies 1000 live transitions and filters, each within a second or two', async () => {
    const t0 = Date.now();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.getElementById('n-alive')?.textContent === '10000', undefined, { timeout: 20_000 });
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live');
    const loadMs = Date.now() - t0;

    const t1 = Date.now();
    await h.beatMany(ids.slice(0, 1000), { ops: { acq: 6, monitor: 3, set_values: 1, scan: 5 } });
    await page.waitForFunction(() => document.querySelectorAll('.op.c6').length === 1000, undefined, { timeout: 10_000 });
    const updateMs = Date.now() - t1;

    const t2 = Date.now();
    await page.fill('#filter', 'agent-999');
    await page.waitForFunction(() => document.getElementById('n-shown')?.textContent === '11', undefined, { timeout: 10_000 });
    const filterMs = Date.now() - t2;

    console.log(`monitor page, 10k agents: loaded in ${loadMs} ms, 1000 transitions shown in ${updateMs} ms, filter applied in ${filterMs} ms`);
    assert.ok(loadMs < 15_000, `loaded in ${loadMs} ms`);
    assert.ok(updateMs < 3_000, `1000 transitions shown in ${updateMs} ms`);
    assert.ok(filterMs < 2_000, `filter applied in ${filterMs} ms`);
  });
});
