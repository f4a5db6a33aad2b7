// The hostile-input tier through a real crossbar (OCS's test config): 102k
// events on Bun (the production runtime), 12k on Node and Deno, where the same
// code paths run and only the time would grow (HOSTILE_EVENTS overrides, per
// serializer). crossbar's router worker (Python) is the bottleneck at ~0.3 ms
// of its CPU per event in this mix: 102k take ~30 s of it. The simulator's tier
// sends 108k on every runtime.
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { hostileTier } from './tier.ts';

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

hostileTier('crossbar', async () => {
  const crossbar = await startCrossbar();
  return { wsUrl: crossbar.wsUrl, close: () => crossbar.close() };
}, { skip: skipWithoutCrossbar(), eventsPerSerializer: isBun ? 34_000 : 4_000 });
