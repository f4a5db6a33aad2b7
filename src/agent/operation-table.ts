// The agent's operations and the five actions on them (start, stop, abort,
// wait, status), with Python's decision order and exact reply texts
// (docs/ocs-protocol.md §2.10, ocs_agent.py:774-1061).
import type { Clock } from '../core/clock.ts';
import { OpCode, ResponseCode } from '../core/op-code.ts';
import { POLICY_NONE_DETAIL, rejectionMessage } from './cred-level.ts';
import { ParamError, PyError } from './errors.ts';
import { launch } from './launcher.ts';
import { type EncodedSession, OpSession, type PurgePolicy } from './op-session.ts';
import type { Operation } from './operation.ts';
import { prescreen } from './params.ts';
import { isPyDict, pyStr, pyTypeName } from './py-repr.ts';

/** Every `{addr}.ops` reply: `[status, message, session-or-{}]`. */
export type OpsReply = [ResponseCode, string, EncodedSession | Record<string, never>];

export interface OperationTableOptions {
  clock: Clock;
  /**
   * Q16. Python discards a finished session at `start` before the access and
   * param checks, so a rejected start loses it. Default false (mirror Python).
   */
  keepFinishedSessionOnRejectedStart?: boolean;
  purgePolicy?: Partial<PurgePolicy>;
  log?: (line: string) => void;
}

export class OperationTable {
  readonly #ops = new Map<string, Operation>();
  readonly #clock: Clock;
  readonly #keepFinished: boolean;
  readonly #purgePolicy: Partial<PurgePolicy> | undefined;
  readonly #log: (line: string) => void;
  readonly #onMessage: ((session: OpSession, text: string) => void) | undefined;
  /** Agent-wide session id counter (Python next_session_id). */
  #nextSessionId = 0;
  /** What opCodes() returned last, and over how many ops. */
  #lastCodes: Readonly<Record<string, number>> | null = null;
  #lastCount = 0;
  /**
   * Bumped whenever an op's code may have changed (ops and their sessions tell
   * the table): while it stands, opCodes() returns its last answer without
   * visiting every op and session. At 10k swarm agents on Bun those objects are
   * cold in the cache at each beat; the two cuts together took 1.1 µs of 23.3
   * per heartbeat (JSON; bench/RESULTS.md, "Swarm send path, cut").
   */
  #codesVersion = 0;
  #lastVersion = -1;
  readonly #codesChanged = (): void => {
    this.#codesVersion++;
  };

  constructor(options: OperationTableOptions) {
    this.#clock = options.clock;
    this.#keepFinished = options.keepFinishedSessionOnRejectedStart ?? false;
    this.#purgePolicy = options.purgePolicy;
    const log = options.log;
    this.#log = log ?? (() => {});
    this.#onMessage = log ? (s, text) => log(`${s.opName}:${s.sessionId} ${text}`) : undefined;
  }

  add(op: Operation): void {
    if (this.#ops.has(op.name)) throw new Error(`An operation called "${op.name}" is already registered`);
    this.#ops.set(op.name, op);
    op.watchOpCode(this.#codesChanged);
  }

  get(name: string): Operation | undefined {
    return this.#ops.get(name);
  }

  /** All ops in registration order. */
  all(): IterableIterator<Operation> {
    return this.#ops.values();
  }

  get size(): number {
    return this.#ops.size;
  }

  /**
   * The heartbeat message: `{op_name: op_code}` in registration order, 1 if
   * never run. Frozen, and the same object as last time while no code
   * changed, so that a heartbeat's encoding can be reused (Feed).
   */
  opCodes(): Readonly<Record<string, number>> {
    const last = this.#lastCodes;
    if (last !== null && this.#lastVersion === this.#codesVersion && this.#lastCount === this.#ops.size) return last;
    this.#lastVersion = this.#codesVersion;
    if (last !== null && this.#lastCount === this.#ops.size) {
      let same = true;
      for (const op of this.#ops.values()) {
        if (last[op.name] !== (op.session ? op.session.opCode : OpCode.NONE)) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const codes: Record<string, number> = {};
    for (const op of this.#ops.values()) codes[op.name] = op.session ? op.session.opCode : OpCode.NONE;
    this.#lastCodes = Object.freeze(codes);
    this.#lastCount = this.#ops.size;
    return this.#lastCodes;
  }

  /** Python `op_name in self.tasks`: unhashable names (lists, dicts) raise TypeError. */
  #lookup(name: unknown): Operation | undefined {
    if (Array.isArray(name) || isPyDict(name)) throw new PyError('TypeError', `unhashable type: '${pyTypeName(name)}'`);
    return typeof name === 'string' ? this.#ops.get(name) : undefined;
  }

  /** `start`. Policy none: every caller has credential level 1 (startup ops too). */
  start(name: unknown, params: unknown): OpsReply {
    const op = this.#lookup(name);
    if (!op) return [ResponseCode.ERROR, `No task or process called "${pyStr(name)}"`, {}];
    const current = op.session;
    if (current) {
      if (current.status !== 'done') {
        return [ResponseCode.ERROR, `Operation "${op.name}" already in progress.`, current.encoded()];
      }
      if (!this.#keepFinished) op.session = null;
    }
    const credLevel = 1;
    if (credLevel < op.minPrivs) {
      return [ResponseCode.ERROR, rejectionMessage(credLevel, op.minPrivs, POLICY_NONE_DETAIL), {}];
    }
    let checked: unknown = params;
    if (op.params) {
      try {
        checked = prescreen(op.params, params);
      } catch (err) {
        if (err instanceof ParamError) return [ResponseCode.ERROR, err.msg, {}];
        const text = err instanceof Error ? err.message : pyStr(err);
        return [ResponseCode.ERROR, `CRASH: during param pre-processing: ${text}`, {}];
      }
    }
    const session = new OpSession({
      sessionId: this.#nextSessionId++,
      opName: op.name,
      clock: this.#clock,
      credLevel,
      purgePolicy: this.#purgePolicy,
      onMessage: this.#onMessage,
    });
    op.session = session;
    launch(this.#clock, session, op.body, checked);
    const verb = op.kind === 'task' ? 'task' : 'process';
    return [ResponseCode.OK, `Started ${verb} "${op.name}".`, session.encoded()];
  }

  stop(name: unknown, params: unknown): OpsReply {
    return this.#stopHelper('stop', name, params);
  }

  abort(name: unknown, params: unknown): OpsReply {
    return this.#stopHelper('abort', name, params);
  }

  #stopHelper(stopType: 'stop' | 'abort', name: unknown, params: unknown): OpsReply {
    const op = this.#lookup(name);
    if (!op) return [ResponseCode.ERROR, `No operation called "${pyStr(name)}".`, {}];
    if ((stopType === 'stop') !== (op.kind === 'process')) {
      // Python's f-string prefix is missing on the second half: `{op_type}` is literal (Q13).
      return [ResponseCode.ERROR, `Cannot "${stopType}" "${op.name}" because it is a "{op_type}".`, {}];
    }
    const credLevel = 1;
    if (credLevel < op.minPrivs) return [ResponseCode.ERROR, rejectionMessage(credLevel, op.minPrivs), {}];
    const session = op.session;
    if (!session) return [ResponseCode.ERROR, 'No session active.', {}];
    if (session.status === 'stopping' || session.status === 'done') {
      return [ResponseCode.ERROR, `The operation is already ${session.status}`, {}];
    }
    const stopper = op.stopper;
    if (!stopper) {
      // Q14, fixed on purpose: Python raises (non-blocking) or silently does nothing (blocking).
      return [ResponseCode.ERROR, `Cannot "abort" "${op.name}" because it is not abortable.`, {}];
    }
    if (op.stopperBlocking) {
      // Python runs a blocking stopper in a thread, so its effect is not in the reply.
      this.#clock.after(0, () => this.#runStopper(op, stopper, session, params));
    } else {
      // A synchronous throw fails the RPC (runtime_error), as in Python.
      const result = stopper(session, params);
      this.#observe(op, result);
    }
    return [ResponseCode.OK, `Requested ${stopType} on ${op.kind} ${op.name}".`, session.encoded()];
  }

  #runStopper(op: Operation, stopper: (s: OpSession, p: unknown) => unknown, session: OpSession, params: unknown): void {
    try {
      this.#observe(op, stopper(session, params));
    } catch (err) {
      this.#log(`Error calling stopper for "${op.name}": ${String(err)}`);
    }
  }

  /** The stopper's own result only reaches the log. */
  #observe(op: Operation, result: unknown): void {
    if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => this.#log(`Stopper for "${op.name}" terminated with ${pyStr(value)}`),
        (err: unknown) => this.#log(`Error calling stopper for "${op.name}": ${String(err)}`),
      );
    }
  }

  /**
   * `wait`: null timeout waits until the op finishes, a negative one returns
   * at once, 0 waits one clock tick, a positive one up to that many seconds.
   */
  wait(name: unknown, timeout: unknown): OpsReply | Promise<OpsReply> {
    const op = this.#lookup(name);
    if (!op) return [ResponseCode.ERROR, `Unknown operation "${pyStr(name)}".`, {}];
    const session = op.session;
    if (!session) return [ResponseCode.OK, 'Idle.', {}];
    if (session.status === 'done' || timeout === null || timeout === undefined || isForever(timeout)) {
      if (session.finished) return waitReply(op.name, session, true);
      const finished = new Promise<boolean>((resolve) => session.onFinished(() => resolve(true)));
      return finished.then((done) => waitReply(op.name, session, done));
    }
    const seconds = timeoutSeconds(timeout);
    if (seconds < 0) return waitReply(op.name, session, false);
    const settled = new Promise<void>((resolve) => {
      let cancelTimer: () => void = () => {};
      const cancelWait = session.onFinished(() => {
        cancelTimer();
        resolve();
      });
      if (session.finished) return;
      cancelTimer = this.#clock.after(seconds * 1000, () => {
        cancelWait();
        resolve();
      });
    });
    // The reply is encoded after the wait, and an encoding error rejects (runtime_error).
    return settled.then(() => waitReply(op.name, session, session.status === 'done'));
  }

  status(name: unknown): OpsReply {
    const op = this.#lookup(name);
    if (!op) return [ResponseCode.ERROR, `No task or process called "${pyStr(name)}"`, {}];
    if (!op.session) return [ResponseCode.OK, 'No session active.', {}];
    return [ResponseCode.OK, 'Session active.', op.session.encoded()];
  }

  /** Ask every live session to end: abort tasks, stop processes (shutdown). */
  stopAll(): void {
    for (const op of this.#ops.values()) {
      const s = op.session;
      if (!s || s.status === 'stopping' || s.status === 'done' || !op.stopper) continue;
      try {
        if (op.kind === 'task') this.abort(op.name, null);
        else this.stop(op.name, null);
      } catch (err) {
        this.#log(`Could not stop "${op.name}": ${String(err)}`);
      }
    }
  }
}

function waitReply(name: string, session: OpSession, done: boolean): OpsReply {
  if (!done) return [ResponseCode.TIMEOUT, `Operation "${name}" still running; wait timed out.`, session.encoded()];
  // Python: {True: 'SUCCEEDED'}.get(session.success, 'FAILED'); 1 == True there.
  const ok = session.success === true || session.success === 1;
  return [ResponseCode.OK, `Operation "${name}" is currently not running (${ok ? 'SUCCEEDED' : 'FAILED'}).`, session.encoded()];
}

/** Timers cannot hold more than 2^31-1 ms (about 24.8 days): longer is forever. */
function isForever(timeout: unknown): boolean {
  return typeof timeout === 'number' && timeout * 1000 > 2_147_483_647;
}

/** Python compares `timeout < 0`: numbers and bools work, anything else is a TypeError. */
function timeoutSeconds(timeout: unknown): number {
  if (typeof timeout === 'boolean') return timeout ? 1 : 0;
  if (typeof timeout === 'number') return Number.isNaN(timeout) ? 0 : timeout;
  throw new PyError('TypeError', `'<' not supported between instances of '${pyTypeName(timeout)}' and 'int'`);
}
