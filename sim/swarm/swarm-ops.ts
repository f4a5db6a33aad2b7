// The operations of a swarm agent. Every agent shares the same two functions
// (body and stopper), so 100k agents × N ops cost no closures per op: a
// body only parks its session until the swarm's director ends it, which is
// how the scenario's start/finish/fail/degrade rates drive the op codes.
import type { OCSAgent } from '../../src/agent/agent.ts';
import type { OpSession } from '../../src/agent/op-session.ts';

const NAMES = [
  'acq',
  'count',
  'set_heartbeat',
  'delay_task',
  'init',
  'stream',
  'monitor',
  'calibrate',
  'set_voltage',
  'set_temperature',
  'servo',
  'scan',
  'record',
  'home',
  'move',
  'bias_step',
  'tune',
  'sweep',
  'reset',
  'log_data',
  'check_status',
];

const namesByCount = new Map<number, readonly string[]>();

/** The op names of an agent with `n` ops (one shared array per n). */
export function opNames(n: number): readonly string[] {
  let names = namesByCount.get(n);
  if (!names) {
    names = Object.freeze(Array.from({ length: n }, (_, i) => (i < NAMES.length ? NAMES[i]! : `op_${i}`)));
    namesByCount.set(n, names);
  }
  return names;
}

/** Every third op is a process (started and stopped), the rest are tasks. */
export const isProcess = (i: number): boolean => i % 3 === 0;

export interface RunningOp {
  member: number;
  opName: string;
  session: OpSession;
  /** Set once the body runs (the launcher starts it on the next clock tick). */
  end: ((result: [boolean, string]) => void) | null;
}

export class SwarmOps {
  /** Ops whose body is parked, in start order (the director picks from here). */
  readonly running: RunningOp[] = [];
  readonly #bySession = new Map<OpSession, RunningOp>();

  readonly body = (session: OpSession): Promise<[boolean, string]> | [boolean, string] => {
    const entry = this.#bySession.get(session);
    if (!entry || session.status !== 'running') return [true, 'Finished.'];
    return new Promise((resolve) => {
      entry.end = resolve;
    });
  };

  /** Stopper and aborter: a client's stop or abort ends the op at once. */
  readonly stopper = (session: OpSession): [boolean, string] => {
    const entry = this.#bySession.get(session);
    if (session.status === 'running') session.setStatus('stopping');
    if (entry) this.#finish(entry, [true, 'Stopped on request.']);
    return [true, 'Requested stop.'];
  };

  /** Register `names` on `agent`, every third a process. */
  register(agent: OCSAgent, names: readonly string[]): void {
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (isProcess(i)) agent.registerProcess(name, this.body, this.stopper, { blocking: false });
      else agent.registerTask(name, this.body, { blocking: false, aborter: this.stopper });
    }
  }

  /** Start op `opName` of `agent`; false if it is already in progress. */
  start(member: number, agent: OCSAgent, opName: string): boolean {
    const [status] = agent.start(opName, {});
    const session = agent.operations.get(opName)?.session;
    if (status !== 0 || !session) return false;
    const entry: RunningOp = { member, opName, session, end: null };
    this.#bySession.set(session, entry);
    this.running.push(entry);
    return true;
  }

  /** End the running op at `i` of `running` with `ok`; false if its body has not run yet. */
  end(i: number, ok: boolean): boolean {
    const entry = this.running[i];
    if (!entry || entry.end === null) return false;
    this.#finish(entry, ok ? [true, 'Finished.'] : [false, 'Failed (scenario).']);
    return true;
  }

  /** Forget a crashed agent's ops: its process is gone, nothing will end them. */
  forget(member: number): void {
    for (let i = this.running.length - 1; i >= 0; i--) {
      const entry = this.running[i]!;
      if (entry.member === member) this.#remove(entry, i);
    }
  }

  #finish(entry: RunningOp, result: [boolean, string]): void {
    const i = this.running.indexOf(entry);
    if (i >= 0) this.#remove(entry, i);
    entry.end?.(result);
  }

  #remove(entry: RunningOp, i: number): void {
    // Swap-remove: order only matters for picking, which is random anyway.
    const last = this.running.pop()!;
    if (last !== entry) this.running[i] = last;
    this.#bySession.delete(entry.session);
  }
}
