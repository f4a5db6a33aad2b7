// One run of an operation (Python OpSession, docs/ocs-protocol.md §2.8-2.9): status,
// messages, data and the op code derived from them. Bodies get it as their
// first argument and report through it.
import type { Clock } from '../core/clock.ts';
import { OpCode } from '../core/op-code.ts';
import { jsonSafe } from './json-safe.ts';
import { pyTruthy } from './py-repr.ts';

export type SessionStatus = 'starting' | 'running' | 'stopping' | 'done';
/** `[timestamp, text]`; text is whatever the op reported (normally a string). */
export type SessionMessage = [number, string];

const STATUS_ORDER: Record<SessionStatus, number> = { starting: 1, running: 2, stopping: 3, done: 4 };

/** The wire form of a session; keys in Python's order. */
export interface EncodedSession {
  session_id: number;
  op_name: string;
  op_code: OpCode;
  cred_level: number;
  status: SessionStatus;
  degraded: boolean;
  success: unknown;
  start_time: number;
  end_time: number | null;
  data: unknown;
  messages: SessionMessage[];
}

/** Python's message purge policy (ocs_agent.py:1185-1207). */
export interface PurgePolicy {
  minAgeS: number;
  minMessages: number;
  maxMessages: number;
}
export const DEFAULT_PURGE_POLICY: PurgePolicy = { minAgeS: 3600, minMessages: 5, maxMessages: 10000 };

export interface OpSessionOptions {
  sessionId: number;
  opName: string;
  clock: Clock;
  credLevel?: number;
  purgePolicy?: Partial<PurgePolicy>;
  /** Told about every message (Python logs them as `op:id text`). */
  onMessage?: (session: OpSession, text: string) => void;
}

export class OpSession {
  readonly sessionId: number;
  readonly opName: string;
  readonly credLevel: number;
  readonly startTime: number;
  /** Set by the op to report it is not achieving its function (op code 8 while running). */
  get degraded(): boolean {
    return this.#degraded;
  }
  set degraded(value: boolean) {
    this.#degraded = value;
    this.#opCodeChanged?.();
  }
  /** null until done; then the first element of the op's return value, as returned. */
  get success(): unknown {
    return this.#success;
  }
  set success(value: unknown) {
    this.#success = value;
    this.#opCodeChanged?.();
  }
  #degraded = false;
  #success: unknown = null;
  /** Told whenever opCode may have changed (status, degraded, success): the heartbeat's op codes are rebuilt only then. */
  #opCodeChanged: (() => void) | null = null;
  /** Op-defined data, copied JSON-safe on every encode. */
  data: Record<string, unknown> = {};
  /**
   * When set, `encoded()` takes `data` from this function instead and trusts
   * it to be JSON-safe (no deep copy): for large data built on demand.
   */
  dataSource: (() => unknown) | null = null;

  #status: SessionStatus | null = null;
  #endTime: number | null = null;
  #messages: SessionMessage[] = [];
  #clock: Clock;
  #policy: PurgePolicy;
  #purgeInterval: number;
  #nextPurge: number;
  #onMessage: ((session: OpSession, text: string) => void) | undefined;
  #finished = false;
  #finishListeners: (() => void)[] = [];
  #stopListeners: (() => void)[] = [];

  constructor(options: OpSessionOptions) {
    this.sessionId = options.sessionId;
    this.opName = options.opName;
    this.credLevel = options.credLevel ?? 1;
    this.#clock = options.clock;
    this.#onMessage = options.onMessage;
    this.#policy = { ...DEFAULT_PURGE_POLICY, ...options.purgePolicy };
    this.#purgeInterval = Math.max(this.#policy.minAgeS / 5, 600);
    this.startTime = this.#clock.now();
    this.#nextPurge = this.startTime + this.#purgeInterval;
    this.setStatus('starting', this.startTime);
  }

  get status(): SessionStatus {
    return this.#status ?? 'starting';
  }

  get endTime(): number | null {
    return this.#endTime;
  }

  /** A copy of the message buffer, oldest first. */
  get messages(): SessionMessage[] {
    this.#maybePurge();
    return this.#messages.slice();
  }

  /** True once the op's body has returned or crashed (Python: `session.d` fired). */
  get finished(): boolean {
    return this.#finished;
  }

  /** `listener` is called whenever this session's opCode may have changed (one listener; null: none). */
  watchOpCode(listener: (() => void) | null): void {
    this.#opCodeChanged = listener;
  }

  get opCode(): OpCode {
    switch (this.#status) {
      case null:
        return OpCode.NONE;
      case 'starting':
        return OpCode.STARTING;
      case 'running':
        return this.degraded ? OpCode.DEGRADED : OpCode.RUNNING;
      case 'stopping':
        return OpCode.STOPPING;
      default:
        return pyTruthy(this.success) ? OpCode.SUCCEEDED : OpCode.FAILED;
    }
  }

  /**
   * Move the status forward (starting < running < stopping < done). A repeat
   * is ignored; a backward move throws, as Python's assert does.
   */
  setStatus(status: SessionStatus, timestamp: number = this.#clock.now()): void {
    const to = STATUS_ORDER[status];
    if (to === undefined) throw new TypeError(`Unknown session status ${JSON.stringify(status)}`);
    const from = this.#status === null ? 0 : STATUS_ORDER[this.#status];
    if (to < from) {
      throw new Error(`AssertionError: status of "${this.opName}" cannot move back from "${this.#status}" to "${status}"`);
    }
    if (to === from) return;
    this.#status = status;
    this.#opCodeChanged?.();
    if (status === 'done') this.#endTime = timestamp;
    this.addMessage(`Status is now "${status}".`, timestamp);
    if (to >= STATUS_ORDER.stopping && this.#stopListeners.length > 0) {
      const listeners = this.#stopListeners;
      this.#stopListeners = [];
      for (const fn of listeners) fn();
    }
  }

  addMessage(text: string, timestamp: number = this.#clock.now()): void {
    this.#messages.push([timestamp, text]);
    this.#maybePurge();
    this.#onMessage?.(this, text);
  }

  /** The wire form. Throws a ValueError PyError if `data` holds ±Infinity. */
  encoded(): EncodedSession {
    return {
      session_id: this.sessionId,
      op_name: this.opName,
      op_code: this.opCode,
      cred_level: this.credLevel,
      status: this.status,
      degraded: this.degraded,
      success: this.success,
      start_time: this.startTime,
      end_time: this.#endTime,
      data: this.dataSource ? this.dataSource() : jsonSafe(this.data),
      messages: this.messages,
    };
  }

  /**
   * Resolve after `seconds` of the injected clock. With `wakeOnStop`, resolve
   * early once the status reaches stopping or done (a stop request).
   */
  sleep(seconds: number, wakeOnStop = false): Promise<void> {
    return new Promise((resolve) => {
      if (wakeOnStop && STATUS_ORDER[this.status] >= STATUS_ORDER.stopping) {
        resolve();
        return;
      }
      let wake: (() => void) | undefined;
      const cancel = this.#clock.after(Math.max(0, seconds * 1000), () => {
        if (wake) this.#stopListeners = this.#stopListeners.filter((fn) => fn !== wake);
        resolve();
      });
      if (wakeOnStop) {
        wake = () => {
          cancel();
          resolve();
        };
        this.#stopListeners.push(wake);
      }
    });
  }

  /** Call `fn` once the body has finished (at once if it has). Returns a canceller. */
  onFinished(fn: () => void): () => void {
    if (this.#finished) {
      fn();
      return () => {};
    }
    this.#finishListeners.push(fn);
    return () => {
      const i = this.#finishListeners.indexOf(fn);
      if (i >= 0) this.#finishListeners.splice(i, 1);
    };
  }

  /** Called by the launcher when the body ends: message, success, done. */
  finish(success: unknown, message: string): void {
    this.addMessage(message);
    this.success = success;
    this.setStatus('done');
    this.#markFinished();
  }

  /** Called by the launcher when the body throws or returns garbage. */
  crash(message: string): void {
    this.addMessage(message);
    this.success = false;
    if (this.#status !== 'done') this.setStatus('done');
    this.#markFinished();
  }

  #markFinished(): void {
    this.#finished = true;
    const listeners = this.#finishListeners;
    this.#finishListeners = [];
    for (const fn of listeners) {
      try {
        fn();
      } catch {
        // A waiter's failure must not break the op's own completion.
      }
    }
  }

  // Python purges from a timer every 720 s; here the purge runs lazily when
  // the buffer is touched after it fell due, with the cutoff of that due time.
  #maybePurge(): void {
    const now = this.#clock.now();
    if (now < this.#nextPurge) return;
    const periods = Math.floor((now - this.#nextPurge) / this.#purgeInterval);
    const dueAt = this.#nextPurge + periods * this.#purgeInterval;
    this.#nextPurge = dueAt + this.#purgeInterval;
    this.purge(dueAt);
  }

  /** Drop messages older than minAgeS (keeping minMessages) and beyond maxMessages. */
  purge(at: number = this.#clock.now()): void {
    const { minAgeS, minMessages, maxMessages } = this.#policy;
    const cutoff = at - minAgeS;
    const msgs = this.#messages;
    let drop = 0;
    while (
      msgs.length - drop > maxMessages ||
      (msgs.length - drop > minMessages && (msgs[drop]?.[0] ?? Infinity) < cutoff)
    ) drop++;
    if (drop > 0) msgs.splice(0, drop);
  }
}
