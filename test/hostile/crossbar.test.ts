// The hostile-input tier through a real crossbar (OCS's test config). crossbar
// routes ~1k of these events/s here, so 12k per serializer (36k) keep it
// within the suite's time; the simulator's tier sends 108k.
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { hostileTier } from './tier.ts';

hostileTier('crossbar', async () => {
  const crossbar = await startCrossbar();
  return { wsUrl: crossbar.wsUrl, close: () => crossbar.close() };
}, { skip: skipWithoutCrossbar(), eventsPerSerializer: 12_000 });
