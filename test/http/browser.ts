// Shared by the page tests: Debian's Chromium through playwright-core, and
// closing everything a browser test started.

import process from 'node:process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../src/runtime/serve.ts';
import type { HttpHarness } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

export function skipReason(): string | undefined {
  // CI installs Chromium and sets REQUIRE_CHROMIUM=1, so there a missing browser fails instead of skipping.
  if (!existsSync(CHROMIUM)) {
    if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(`REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing`);
    return `needs ${CHROMIUM} (apt-get install chromium)`;
  }
  const deno = (globalThis as { Deno?: { permissions: { querySync(p: { name: string }): { state: string } } } }).Deno;
  if (deno && ['run', 'write'].some((name) => deno.permissions.querySync({ name }).state !== 'granted')) {
    return 'needs --allow-run and --allow-write on Deno to start the browser';
  }
  return undefined;
}

/** Close the browser, the app's streams, the server and the network, and remove the profile. */
export async function closeAll(t: { context?: BrowserContext; h?: HttpHarness; server?: RunningServer; profile?: string }): Promise<void> {
  await t.context?.close();
  t.h?.app.close();
  await t.server?.close();
  await t.h?.stop();
  if (t.profile) rmSync(t.profile, { recursive: true, force: true });
}

/** Debian's Chromium, headless, on a fresh empty profile (playwright passes it as --user-data-dir). */
export async function launchBrowser(): Promise<{ profile: string; context: BrowserContext; page: Page }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'ocs-monitor-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { profile, context, page: await context.newPage() };
}
