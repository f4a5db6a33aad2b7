// The conformance suite against the simulator endpoint, with OCS's test config.
import { readFileSync } from 'node:fs';
import { parseCrossbarConfig, startEndpoint } from '../../sim/endpoint/index.ts';
import { agentRestartConformance } from './agent-restart.ts';
import { routerConformance } from './suite.ts';
import { ANY_VALUE, type Differences, valuesConformance } from './values.ts';

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

/** The simulator's value differences from crossbar (README, "Differences from crossbar"). */
function simulatorDifferences(caller: string, callee: string): Differences {
  // JavaScript numbers cannot tell 5.0 from 5 or keep -0.0 through JSON/CBOR integers.
  const differences: Differences = { 7: '5', 9: '0' };
  // 2^53 is not a safe integer: @msgpack/msgpack writes it as a float.
  if (caller.startsWith('msgpack')) differences[3] = '9007199254740992.0';
  // Binary reaches a JSON peer as an object (its shape depends on the runtime), not as autobahn's "\0"+base64 string.
  if (!caller.startsWith('json') && callee.startsWith('json')) differences[10] = ANY_VALUE;
  return differences;
}

valuesConformance('simulator', async () => {
  const endpoint = await start();
  return { wsUrl: endpoint.wsUrl, close: () => endpoint.close() };
}, simulatorDifferences);
