// The conformance suite against the simulator endpoint, with OCS's test config.
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { routerConformance } from './suite.ts';

const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;

routerConformance('simulator', async () => {
  const endpoint = await startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });
  return { wsUrl: endpoint.wsUrl, httpUrl: endpoint.url, close: () => endpoint.close() };
});
