// The conformance suite against the simulator endpoint, with OCS's test config.
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { agentRestartConformance } from './agent-restart.ts';
import { routerConformance } from './suite.ts';

const CONFIG = new URL('../endpoint/fixtures/ocs-tests-config.json', import.meta.url).pathname;
const start = () => startEndpoint({ config: parseCrossbarConfig(readFileSync(CONFIG, 'utf8')), port: 0 });

routerConformance('simulator', async () => {
  const endpoint = await start();
  return { wsUrl: endpoint.wsUrl, httpUrl: endpoint.url, close: () => endpoint.close() };
});

agentRestartConformance('simulator', async () => {
  const endpoint = await start();
  return {
    port: endpoint.port,
    restart: () => Promise.resolve(endpoint.router.restart()),
    close: () => endpoint.close(),
  };
});
