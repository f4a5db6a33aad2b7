// The hostile-input tier through the simulator endpoint (OCS's test config).
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { hostileTier } from './tier.ts';

const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

hostileTier('simulator', async () => {
  const endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
  return { wsUrl: endpoint.wsUrl, close: () => endpoint.close() };
});
