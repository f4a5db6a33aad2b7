// A registered task or process (Python AgentTask / AgentProcess) and how its
// body is launched. JS has no worker threads: `blocking` is only reported in
// op_info, and changes when a stopper runs (see ops-actions.ts).
import { normalizeMinPrivs } from './cred-level.ts';
import type { OpSession } from './op-session.ts';
import { getParam, type ParamList } from './params.ts';

/**
 * An op body. It returns (or resolves to) `[ok, text]`: `text` is appended to
 * the messages, `ok` becomes `success`. Throwing a ParamError ends the session
 * with `ERROR: msg`; any other throw, or another return shape, with `CRASH: ...`.
 */
// deno-lint-ignore no-explicit-any -- an op body declares its own params type; the table holds them all
export type OpBody<P = any> = (session: OpSession, params: P) => unknown;
/** A stopper/aborter; its return value only goes to the log, as in Python. */
export type OpStopper = (session: OpSession, params: unknown) => unknown;

/** `false`: no auto-start; `true`: start with `{}` on the first join; an object: start with it. */
export type Startup = boolean | Record<string, unknown>;

interface CommonOptions {
  /** Python's default is true. Only reported in op_info, and delays the stopper (§2.10). */
  blocking?: boolean;
  startup?: Startup;
  /** Reported and enforced as max(1, minPrivs). */
  minPrivs?: number;
  /** The raw docstring shown by clients; by convention its first line is the call signature. */
  docstring?: string | null;
  /** The @param prescreen. Without it the body receives the raw params. */
  params?: ParamList;
}

export interface TaskOptions extends CommonOptions {
  aborter?: OpStopper | null;
  /** Defaults to `blocking`. */
  aborterBlocking?: boolean;
}

export interface ProcessOptions extends CommonOptions {
  /** Defaults to `blocking`. */
  stopperBlocking?: boolean;
}

export type OpKind = 'task' | 'process';

export interface TaskInfo {
  blocking: boolean;
  abortable: boolean;
  docstring: string | null;
  op_type: 'task';
  min_privs: number;
}

export interface ProcessInfo {
  blocking: boolean;
  docstring: string | null;
  op_type: 'process';
  min_privs: number;
}

export class Operation {
  readonly name: string;
  readonly kind: OpKind;
  readonly body: OpBody;
  /** The aborter (task) or stopper (process); null for a task without one. */
  readonly stopper: OpStopper | null;
  readonly blocking: boolean;
  readonly stopperBlocking: boolean;
  readonly minPrivs: number;
  readonly docstring: string | null;
  readonly params: ParamList | null;
  readonly startup: Startup;
  /** The current or last session; null if the op never ran (or it was discarded). */
  get session(): OpSession | null {
    return this.#session;
  }
  set session(session: OpSession | null) {
    this.#session = session;
    session?.watchOpCode(this.#opCodeChanged);
    this.#opCodeChanged?.();
  }
  #session: OpSession | null = null;
  #opCodeChanged: (() => void) | null = null;

  constructor(name: string, kind: OpKind, body: OpBody, stopper: OpStopper | null, options: TaskOptions & ProcessOptions) {
    if (typeof body !== 'function') throw new TypeError(`The body of "${name}" must be a function`);
    if (kind === 'process' && typeof stopper !== 'function') throw new TypeError(`Process "${name}" needs a stopper`);
    this.name = name;
    this.kind = kind;
    this.body = body;
    this.stopper = stopper;
    this.blocking = options.blocking ?? true;
    this.stopperBlocking = (kind === 'task' ? options.aborterBlocking : options.stopperBlocking) ?? this.blocking;
    this.minPrivs = normalizeMinPrivs(options.minPrivs ?? 0);
    this.docstring = options.docstring ?? null;
    this.params = options.params ?? null;
    this.startup = options.startup ?? false;
    if (this.params) validateDefaults(this.params);
  }

  /** `listener` is called whenever this op's code may have changed (a new session, or its status, degraded or success). */
  watchOpCode(listener: (() => void) | null): void {
    this.#opCodeChanged = listener;
    this.#session?.watchOpCode(listener);
  }

  /** op_info of get_api (ocs_agent.py:1096-1126). */
  info(): TaskInfo | ProcessInfo {
    if (this.kind === 'task') {
      return {
        blocking: this.blocking,
        abortable: this.stopper !== null,
        docstring: this.docstring,
        op_type: 'task',
        min_privs: this.minPrivs,
      };
    }
    return { blocking: this.blocking, docstring: this.docstring, op_type: 'process', min_privs: this.minPrivs };
  }
}

/** Python's @param runs every spec with a default once at decoration time; a bad default fails early. */
function validateDefaults(specs: ParamList): void {
  for (const spec of specs) {
    if (spec.key === '_' || spec.key === '_no_check_strays') continue;
    if (Object.hasOwn(spec, 'default')) getParam(spec, {});
  }
}
