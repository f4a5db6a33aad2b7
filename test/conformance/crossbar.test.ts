// The same conformance suite against a real crossbar from PyPI.
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { agentRestartConformance } from './agent-restart.ts';
import { routerConformance } from './suite.ts';
import { valuesConformance } from './values.ts';

const skip = skipWithoutCrossbar();

routerConformance('crossbar', async () => {
  const crossbar = await startCrossbar();
  return { wsUrl: crossbar.wsUrl, httpUrl: crossbar.httpUrl, close: () => crossbar.close() };
}, { skip });

agentRestartConformance('crossbar', async () => {
  const crossbar = await startCrossbar();
  return {
    port: crossbar.port,
    async restart() {
      await crossbar.stop();
      await crossbar.start();
    },
    close: () => crossbar.close(),
  };
}, { skip });

valuesConformance(
  'crossbar',
  async () => {
    const crossbar = await startCrossbar();
    return { wsUrl: crossbar.wsUrl, close: () => crossbar.close() };
  },
  () => ({}),
  { skip },
);
