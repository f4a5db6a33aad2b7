// The same conformance suite against a real crossbar from PyPI.
import { skipWithoutCrossbar, startCrossbar } from '../support/crossbar.ts';
import { routerConformance } from './suite.ts';

routerConformance('crossbar', async () => {
  const crossbar = await startCrossbar();
  return { wsUrl: crossbar.wsUrl, httpUrl: crossbar.httpUrl, close: () => crossbar.close() };
}, { skip: skipWithoutCrossbar() });
