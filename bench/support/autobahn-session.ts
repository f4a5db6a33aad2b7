// The WampSession seam over autobahn-js (`autobahn` 26.x, global WebSocket),
// kept beside the benchmark so bench/wamp-client.bench.ts can
// compare the two clients through the same seam. Reconnecting stays the
// Reconnector's job: autobahn's own retry loop is switched off.
//
// What it has to make up for (see bench/README.md):
// - autobahn never settles a call or subscribe in flight when the connection
//   drops: the adapter rejects them on close, as WampPeer does;
// - it folds a RESULT with no arguments and one with `[null]` into `null`:
//   `call()` gives `CallResult([null])` for both;
// - event details carry `topic` for exact subscriptions too (a superset of the seam);
// - it writes `console.warn` lines on every close (see `setAutobahnWarn`);
// - it serializes in an async send, so a payload JSON cannot carry (a BigInt)
//   is an unhandled promise rejection, not a throw from `publish()` — that
//   ends the process on Node, Bun and Deno unless the owner handles it.

// @ts-ignore -- autobahn ships no types; AutobahnModule below describes the part used here.
import autobahnUntyped from 'autobahn';
import { TRANSPORT_LOST } from '../../src/wamp/peer.ts';
import {
  type Args,
  CallResult,
  type Endpoint,
  type EventHandler,
  type Kwargs,
  type PublishOptions,
  type RegisterOptions,
  type Registration,
  type SubscribeOptions,
  type Subscription,
  WampError,
  WampErrors,
  type WampSession,
} from '../../src/wamp/session.ts';

// ---- the part of autobahn-js used here ----

interface AbError {
  error: string;
  args: Args;
  kwargs: Kwargs;
}
interface AbResult {
  args: Args;
  kwargs: Kwargs;
}
interface AbSubscription {
  id: number;
  topic: string;
  unsubscribe(): PromiseLike<unknown>;
}
interface AbRegistration {
  id: number;
  procedure: string;
  unregister(): PromiseLike<unknown>;
}
interface AbSession {
  readonly id: number | null;
  readonly isOpen: boolean;
  subscribe(topic: string, handler: EventHandler, options?: Record<string, unknown>): PromiseLike<AbSubscription>;
  publish(topic: string, args?: Args, kwargs?: Kwargs, options?: Record<string, unknown>): PromiseLike<{ id: number }> | undefined;
  register(procedure: string, endpoint: Endpoint, options?: Record<string, unknown>): PromiseLike<AbRegistration>;
  call(procedure: string, args?: Args, kwargs?: Kwargs): PromiseLike<unknown>;
}
interface AbCloseDetails {
  reason: string | null;
  message: string | null;
  will_retry: boolean;
}
interface AbConnection {
  onopen: ((session: AbSession) => void) | null;
  onclose: ((reason: string, details: AbCloseDetails) => boolean | undefined) | null;
  open(): void;
  close(reason?: string, message?: string): void;
}
interface AutobahnModule {
  version: string;
  Connection: new (options: Record<string, unknown>) => AbConnection;
  Result: new (args?: Args, kwargs?: Kwargs) => AbResult;
  Error: new (error: string, args?: Args, kwargs?: Kwargs) => AbError;
  log: { warn: (...items: unknown[]) => void };
}

const autobahn = autobahnUntyped as AutobahnModule;

/** The autobahn-js version in use. */
export const AUTOBAHN_VERSION: string = autobahn.version;

export interface AutobahnSessionOptions {
  /** WebSocket subprotocols to offer; default `['wamp.2.json']` (WampPeer's serializer). autobahn also speaks `wamp.2.msgpack` and `wamp.2.cbor`. */
  protocols?: string[];
  authid?: string;
  /** Gets every error an event handler throws. Default: the first is logged with console.error, all are counted. */
  onHandlerError?: (error: unknown) => void;
}

/**
 * Where autobahn's `console.warn` lines go (one module-wide hook: autobahn
 * has no per-connection logger). It writes two on every close, one per retry.
 * Returns the previous hook.
 */
export function setAutobahnWarn(warn: (...items: unknown[]) => void): (...items: unknown[]) => void {
  const previous = autobahn.log.warn;
  autobahn.log.warn = warn;
  return previous;
}

/** Join `realm` at `url` through autobahn-js; rejects with a WampError (ABORT reason, or transport_lost). */
export function connectAutobahn(url: string, realm: string, options: AutobahnSessionOptions = {}): Promise<WampSession> {
  return new Promise((resolve, reject) => {
    let session: AutobahnSession | undefined;
    let handlerErrors = 0;
    const connection = new autobahn.Connection({
      url,
      realm,
      protocols: options.protocols ?? ['wamp.2.json'],
      authid: options.authid,
      max_retries: 0,
      retry_if_unreachable: false,
      use_es6_promises: true,
      on_user_error(error: unknown, message?: string) {
        // An endpoint's throw already went back to its caller as an ERROR.
        if (message?.startsWith('Exception raised in invocation handler')) return;
        handlerErrors++;
        if (options.onHandlerError) options.onHandlerError(error);
        else if (handlerErrors === 1) console.error('autobahn session: an event handler threw (further errors are only counted):', error);
      },
    });
    connection.onopen = (abSession) => {
      session = new AutobahnSession(connection, abSession, realm);
      resolve(session);
    };
    connection.onclose = (reason, details) => {
      const wampReason = details.reason ?? TRANSPORT_LOST;
      if (session) session.closed(wampReason);
      else reject(new WampError(wampReason, [details.message || `Connection ${reason} before WELCOME.`]));
      return true; // never retry: reconnecting is the Reconnector's job
    };
    connection.open();
  });
}

class AutobahnSession implements WampSession {
  readonly id: number;
  readonly realm: string;
  readonly #connection: AbConnection;
  readonly #session: AbSession;
  #closeReason: string | undefined;
  #leaveReason: string | undefined;
  #closeListeners: Array<(reason: string) => void> = [];
  /** Requests in flight: autobahn forgets them when the connection drops. */
  readonly #pending = new Set<(error: WampError) => void>();
  #left: Promise<void> | undefined;
  #resolveLeft: (() => void) | undefined;

  constructor(connection: AbConnection, session: AbSession, realm: string) {
    this.#connection = connection;
    this.#session = session;
    this.id = session.id ?? 0;
    this.realm = realm;
  }

  get isOpen(): boolean {
    return this.#closeReason === undefined && this.#leaveReason === undefined && this.#session.isOpen;
  }

  subscribe(topic: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> {
    const match = options?.match;
    // autobahn's Event has publication, topic and publisher: it serves as EventDetails as it is.
    return this.#request(
      () => this.#session.subscribe(topic, handler, match && match !== 'exact' ? { match } : undefined),
      (sub) => ({ id: sub.id, topic, unsubscribe: () => this.#ifOpen(() => sub.unsubscribe()) }),
    );
  }

  publish(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): void {
    if (!this.isOpen) return; // dropped, as the network would
    this.#session.publish(topic, args, kwargs, options?.exclude_me === false ? { exclude_me: false } : undefined);
  }

  publishAcknowledged(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): Promise<number> {
    const wireOptions: Record<string, unknown> = { acknowledge: true };
    if (options?.exclude_me === false) wireOptions.exclude_me = false;
    return this.#request(() => this.#session.publish(topic, args, kwargs, wireOptions) as PromiseLike<{ id: number }>, (p) => p.id);
  }

  register(procedure: string, endpoint: Endpoint, options?: RegisterOptions): Promise<Registration> {
    const match = options?.match;
    const wrapped: Endpoint = (args, kwargs, details) => {
      let value: unknown;
      try {
        value = endpoint(args, kwargs, details);
      } catch (error) {
        throw toAutobahnError(error);
      }
      return isThenable(value)
        ? Promise.resolve(value).then(toAutobahnResult, (error: unknown) => {
          throw toAutobahnError(error);
        })
        : toAutobahnResult(value);
    };
    return this.#request(
      () => this.#session.register(procedure, wrapped, match && match !== 'exact' ? { match } : undefined),
      (reg) => ({ id: reg.id, procedure, unregister: () => this.#ifOpen(() => reg.unregister()) }),
    );
  }

  call(procedure: string, args?: Args, kwargs?: Kwargs): Promise<CallResult> {
    return this.#request(
      () => this.#session.call(procedure, args, kwargs),
      (value) => value instanceof autobahn.Result ? new CallResult(value.args, value.kwargs) : new CallResult([value]),
    );
  }

  leave(reason: string = WampErrors.closeNormal): Promise<void> {
    if (this.#closeReason !== undefined) return Promise.resolve();
    if (this.#left) return this.#left;
    this.#leaveReason = reason;
    this.#left = new Promise((resolve) => (this.#resolveLeft = resolve));
    try {
      this.#connection.close(reason);
    } catch {
      this.closed(reason); // autobahn: "connection already closed"
    }
    return this.#left;
  }

  onClose(listener: (reason: string) => void): void {
    const reason = this.#closeReason;
    if (reason !== undefined) queueMicrotask(() => listener(reason));
    else this.#closeListeners.push(listener);
  }

  /** From the connection's onclose: the session is over. */
  closed(reason: string): void {
    if (this.#closeReason !== undefined) return;
    // A GOODBYE we started ends with the router's goodbye_and_out: report ours, as WampPeer does.
    this.#closeReason = this.#leaveReason ?? reason;
    const error = new WampError(this.#closeReason, [`Session closed (${this.#closeReason}) before the router answered.`]);
    for (const reject of this.#pending) reject(error);
    this.#pending.clear();
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) {
      try {
        listener(this.#closeReason);
      } catch (err) {
        console.error('autobahn session: an onClose listener threw:', err);
      }
    }
    this.#resolveLeft?.();
  }

  /** Unsubscribe and unregister: nothing to do once the session is over. */
  #ifOpen(start: () => PromiseLike<unknown>): Promise<void> {
    return this.isOpen ? this.#request(start, () => undefined) : Promise.resolve();
  }

  /** Start an autobahn request; its errors become WampErrors, and it fails when the session closes. */
  #request<R, T>(start: () => PromiseLike<R>, map: (reply: R) => T): Promise<T> {
    if (!this.isOpen) {
      const reason = this.#closeReason ?? this.#leaveReason ?? TRANSPORT_LOST;
      return Promise.reject(new WampError(reason, [`Session closed (${reason}).`]));
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      let reply: PromiseLike<R>;
      try {
        reply = start();
      } catch (error) {
        this.#pending.delete(reject);
        reject(toWampError(error));
        return;
      }
      reply.then(
        (value) => {
          this.#pending.delete(reject);
          try {
            resolve(map(value));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          this.#pending.delete(reject);
          reject(toWampError(error));
        },
      );
    });
  }
}

function toAutobahnResult(value: unknown): unknown {
  return value instanceof CallResult ? new autobahn.Result(value.args, value.kwargs) : value;
}

function toAutobahnError(error: unknown): AbError {
  if (error instanceof WampError) return new autobahn.Error(error.error, error.args, error.kwargs);
  return new autobahn.Error(WampErrors.runtimeError, [error instanceof Error ? error.message : String(error)]);
}

/** autobahn rejects with its own Error (not an `Error`), or throws strings such as "session not open". */
function toWampError(error: unknown): WampError {
  if (error instanceof WampError) return error;
  if (error instanceof autobahn.Error) return new WampError(error.error, error.args, error.kwargs);
  return new WampError(WampErrors.runtimeError, [error instanceof Error ? error.message : String(error)]);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
