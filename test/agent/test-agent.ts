// A small agent with one op for each behaviour the §2.10 tests need.
import { OCSAgent, type OCSAgentOptions } from '../../src/agent/agent.ts';
import { ParamError, PyError } from '../../src/agent/errors.ts';
import type { OpsReply } from '../../src/agent/operation-table.ts';
import { FakeClock } from '../support/fake-clock.ts';

export const T0 = 1_700_000_000;

export interface TestAgent {
  clock: FakeClock;
  agent: OCSAgent;
  /** Call `{addr}.ops` directly. */
  ops(args: unknown, kwargs?: unknown): OpsReply | Promise<OpsReply>;
}

export function makeTestAgent(options: Partial<OCSAgentOptions> = {}): TestAgent {
  const clock = new FakeClock(T0);
  const agent = new OCSAgent({
    address: 'observatory.test',
    agentClass: 'TestAgent',
    clock,
    hostname: 'host',
    pid: 1234,
    ...options,
  });
  let run = false;
  agent.registerProcess(
    'main',
    async (session, params: { test_mode: boolean }) => {
      run = true;
      while (run) {
        await session.sleep(1);
        session.data = { beats: ((session.data['beats'] as number | undefined) ?? 0) + 1 };
        if (params.test_mode) break;
      }
      return [true, 'Stopped registry main process'];
    },
    (session) => {
      if (!run) return [false, 'main process not currently running'];
      session.setStatus('stopping');
      run = false;
      return [true, 'requested to stop main process'];
    },
    { blocking: false, minPrivs: 1, docstring: 'main(test_mode=False)', params: [{ key: 'test_mode', default: false, type: 'bool' }] },
  );
  agent.registerTask('register_agent', (_session, params: Record<string, unknown>) => {
    if (!Object.hasOwn(params ?? {}, 'agent_address')) throw new PyError('KeyError', "'agent_address'");
    return [true, "'register_agent' is deprecated"];
  }, { blocking: false, minPrivs: 1 });
  agent.registerTask('quick', () => [true, 'done quickly']);
  agent.registerTask('hang', async (session) => {
    await session.sleep(10);
    return [true, 'slept'];
  }, { blocking: false });
  agent.registerTask('delay', async (session) => {
    while (session.status === 'running') await session.sleep(0.5);
    return [false, 'Aborted'];
  }, { blocking: false, aborter: (session) => session.setStatus('stopping') });
  let acqRun = false;
  agent.registerProcess('acq', async (session) => {
    acqRun = true;
    while (acqRun) await session.sleep(1);
    return [true, 'Acquisition exited cleanly.'];
  }, (session) => {
    session.setStatus('stopping');
    acqRun = false;
  }, { blocking: true });
  agent.registerTask('priv', () => [true, 'ok'], { minPrivs: 2, aborter: () => {} });
  agent.registerTask('bad_return', () => 10);
  agent.registerTask('raises', () => {
    throw new Error('boom');
  });
  agent.registerTask('param_err', () => {
    throw new ParamError("Param 'x' is required and must not be None");
  });
  agent.registerTask('raw', (session, params: unknown) => {
    session.data = { got: params };
    return [true, 'ok'];
  });
  agent.registerTask('infinite', (session) => {
    session.data = { x: Infinity };
    return [true, 'ok'];
  });
  return { clock, agent, ops: (args, kwargs = {}) => agent.opsEndpoint(args as unknown[], kwargs as Record<string, unknown>, {}) as OpsReply };
}
