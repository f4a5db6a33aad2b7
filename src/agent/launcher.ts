// Running an op body (Python AgentOp.launch_deferred plus the agent's
// _handle_task_return_val / _handle_task_error): on the next clock tick the
// session becomes `running`, then the body runs; its outcome ends the session.
import type { Clock } from '../core/clock.ts';
import { ParamError } from './errors.ts';
import type { OpSession } from './op-session.ts';
import type { OpBody } from './operation.ts';
import { pyStr, pyTypeName } from './py-repr.ts';

export function launch(clock: Clock, session: OpSession, body: OpBody, params: unknown): void {
  clock.after(0, () => {
    let result: unknown;
    try {
      session.setStatus('running');
      result = body(session, params);
    } catch (err) {
      fail(session, err);
      return;
    }
    if (isThenable(result)) {
      result.then((value) => settle(session, value), (err: unknown) => fail(session, err));
    } else {
      settle(session, result);
    }
  });
}

function settle(session: OpSession, result: unknown): void {
  const problem = unpackProblem(result);
  if (problem !== null) {
    fail(session, problem);
    return;
  }
  const [ok, text] = result as [unknown, string];
  try {
    session.finish(ok, text);
  } catch (err) {
    fail(session, err);
  }
}

function fail(session: OpSession, err: unknown): void {
  session.crash(err instanceof ParamError ? `ERROR: ${err.msg}` : crashText(err));
}

/** `CRASH: <exception>`: Python prints a Twisted Failure; we print the error's class and message. */
export function crashText(err: unknown): string {
  if (err instanceof Error) return `CRASH: ${err.name}: ${err.message}`;
  return `CRASH: ${pyStr(err)}`;
}

/** Python unpacks `(ok, message)`; anything but a 2-element array fails like it does. */
function unpackProblem(result: unknown): Error | null {
  if (!Array.isArray(result)) {
    const e = new TypeError(`cannot unpack non-iterable ${pyTypeName(result)} object`);
    return e;
  }
  if (result.length > 2) return pyValueError('too many values to unpack (expected 2)');
  if (result.length < 2) return pyValueError(`not enough values to unpack (expected 2, got ${result.length})`);
  return null;
}

function pyValueError(message: string): Error {
  const e = new Error(message);
  e.name = 'ValueError';
  return e;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
