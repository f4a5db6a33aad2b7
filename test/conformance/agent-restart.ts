// A real autobahn-python OCS agent rides out a router restart, on either
// router. The agent keeps its autobahn session object across reconnects, with
// the subscription and registration ids it had; a router that hands out ids
// from 1 again makes autobahn fail the transport with "REGISTERED received for
// already existing registration ID" and the agent never re-registers. Crossbar
// draws them at random (53-bit), and so does the simulator.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, ocsClient, type PythonProcess, type Site, skipWithoutPython, startPythonAgent, writeSite } from '../interop/python.ts';

export interface RestartableRouter {
  port: number;
  /** Stop and start again on the same port; resolves once it serves. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function agentRestartConformance(name: string, start: () => Promise<RestartableRouter>, options: { skip?: string | false } = {}): void {
  const skip = options.skip || skipWithoutPython();
  describe(`router conformance: ${name}: a Python agent survives a restart`, { skip }, () => {
    let router: RestartableRouter;
    let site: Site;
    let agent: PythonProcess;
    const count = () => ocsClient(site, 'fake-data1', 'count', 'status');

    before(async () => {
      router = await start();
      site = writeSite(router.port, [{ id: 'fake-data1', agentClass: 'FakeDataAgent' }]);
      // A crossbar restart on a loaded machine can take longer than the agent's default 10 s crossbar timeout, after which an
      // OCS agent rightly exits; what this checks is the re-registration once the router is back.
      agent = startPythonAgent(site, 'fake_data', 'fake-data1', ['--crossbar-timeout', '120']);
    });
    after(async () => {
      await agent?.stop();
      await router?.close();
      site?.cleanup();
    });

    it('its .ops is callable again after the restart, and autobahn logs no protocol error', async () => {
      await eventually(async () => (await count())[0] === 0 ? true : undefined, 'the agent answering before the restart', 60_000);
      await router.restart();
      // OCS agents retry every few seconds; the bound only caps a slow crossbar start on a loaded machine.
      await eventually(async () => (await count())[0] === 0 ? true : undefined, 'the agent answering after the restart', 90_000);
      assert.doesNotMatch(agent.output(), /Protocol ?Error|already existing/i, agent.output());
    });
  });
}
