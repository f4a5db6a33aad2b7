// Errors raised inside the agent framework. Python raises ParamError,
// ValueError, TypeError...; their class names show up in reply texts and
// logs, so a JS error keeps the Python class name in `name`.

/** A bad op parameter: the prescreen replies with `msg`, a body ends with `ERROR: msg`. */
export class ParamError extends Error {
  readonly msg: string;
  constructor(msg: string) {
    super(msg);
    this.name = 'ParamError';
    this.msg = msg;
  }
}

/** An error that stands for a Python exception class (ValueError, TypeError, ...). */
export class PyError extends Error {
  constructor(pythonClass: string, message: string) {
    super(message);
    this.name = pythonClass;
  }
}

/** `join()` failed to register the agent's procedures (e.g. another agent holds the address). */
export class AgentJoinError extends Error {
  /** The WAMP error URI, e.g. `wamp.error.procedure_already_exists`. */
  readonly error: string;
  constructor(message: string, error: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentJoinError';
    this.error = error;
  }
}
