// The seam to a WAMP router. Agents and the registry use only this; the
// in-process simulator (sim/router) and autobahn-js (real crossbar) sit behind it.

export type Args = unknown[];
export type Kwargs = Record<string, unknown>;

/** crossbar's three match policies (docs/ocs-protocol.md §1.5). */
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

export interface EventDetails {
  /** The concrete topic; set for prefix and wildcard subscriptions. */
  topic?: string;
  publication: number;
  publisher?: number;
}

export interface InvocationDetails {
  /** The concrete procedure; set for prefix and wildcard registrations. */
  procedure?: string;
  caller?: number;
}

/** Handlers must not mutate `args`/`kwargs`: in-process routers share them between subscribers. */
export type EventHandler = (args: Args, kwargs: Kwargs, details: EventDetails) => void;

/**
 * An endpoint returns a plain value (sent as a single positional result, as
 * autobahn does), a CallResult (several args and/or kwargs), or a Promise of
 * either. Throwing a WampError sends that error; any other throw becomes
 * `wamp.error.runtime_error` with the message as its only argument.
 */
export type Endpoint = (args: Args, kwargs: Kwargs, details: InvocationDetails) => unknown;

/**
 * An event read from its JSON text before any parsing (a fast path a
 * subscriber may offer, see SubscribeOptions.text): `text[topicFrom, topicTo)`
 * is the concrete topic's characters and `text[argsFrom, argsTo)` the
 * positional arguments' JSON. Returns true when it has handled the event,
 * false to have it parsed and given to the EventHandler as usual.
 */
export type EventTextHandler = (text: string, topicFrom: number, topicTo: number, argsFrom: number, argsTo: number) => boolean;

export interface SubscribeOptions {
  match?: MatchPolicy;
  /**
   * Offered the event's JSON text first, when the session reads JSON and the
   * EVENT is plain (`[36,id,id,{"topic":"..."},args]`, compact, no kwargs) and
   * has this one handler; sessions without it (msgpack, CBOR, in-memory) ignore it.
   */
  text?: EventTextHandler;
}
/** crossbar's invocation policies for a shared registration; 'single' (the default) allows one callee. */
export type InvokePolicy = 'single' | 'first' | 'last' | 'roundrobin' | 'random';
export const INVOKE_POLICIES: readonly InvokePolicy[] = ['single', 'first', 'last', 'roundrobin', 'random'];

export interface RegisterOptions {
  match?: MatchPolicy;
  /** Several callees may register a procedure with the same shared policy (not 'single'). */
  invoke?: InvokePolicy;
}
export interface PublishOptions {
  /** Default true, as in crossbar: a session never receives its own events. */
  exclude_me?: boolean;
}

/** A multi-valued call result; also what `call()` resolves to. */
export class CallResult {
  readonly args: Args;
  readonly kwargs: Kwargs;
  constructor(args: Args = [], kwargs: Kwargs = {}) {
    this.args = args;
    this.kwargs = kwargs;
  }
}

/** A WAMP ERROR: an error URI plus payload. */
export class WampError extends Error {
  readonly error: string;
  readonly args: Args;
  readonly kwargs: Kwargs;
  constructor(error: string, args: Args = [], kwargs: Kwargs = {}) {
    super(typeof args[0] === 'string' ? `${error}: ${args[0]}` : error);
    this.name = 'WampError';
    this.error = error;
    this.args = args;
    this.kwargs = kwargs;
  }
}

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  unsubscribe(): Promise<void>;
}

export interface Registration {
  readonly id: number;
  readonly procedure: string;
  unregister(): Promise<void>;
}

export interface WampSession {
  /** WAMP session id assigned by the router. */
  readonly id: number;
  readonly realm: string;
  /** False once the session has left or its transport closed. */
  readonly isOpen: boolean;

  subscribe(topic: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Fire-and-forget publish: no Promise per message on the hot path. */
  publish(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): void;
  /** Acknowledged publish: resolves with the publication id, rejects with a WampError. */
  publishAcknowledged(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): Promise<number>;
  register(procedure: string, endpoint: Endpoint, options?: RegisterOptions): Promise<Registration>;
  /** Rejects with a WampError for a WAMP ERROR reply. */
  call(procedure: string, args?: Args, kwargs?: Kwargs): Promise<CallResult>;
  leave(reason?: string): Promise<void>;
  /** Called once when the session ends, whoever ended it. */
  onClose(listener: (reason: string) => void): void;
}

/** Error URIs the routers and agents use (WAMP spec and crossbar). */
export const WampErrors = {
  noSuchProcedure: 'wamp.error.no_such_procedure',
  procedureAlreadyExists: 'wamp.error.procedure_already_exists',
  invocationPolicyConflict: 'wamp.error.procedure_exists_with_different_invocation_policy',
  notAuthorized: 'wamp.error.not_authorized',
  runtimeError: 'wamp.error.runtime_error',
  invalidArgument: 'wamp.error.invalid_argument',
  /** A payload over a transport's size limit (autobahn ApplicationError.PAYLOAD_SIZE_EXCEEDED). */
  payloadSizeExceeded: 'wamp.error.payload_size_exceeded',
  invalidUri: 'wamp.error.invalid_uri',
  protocolViolation: 'wamp.error.protocol_violation',
  noSuchRealm: 'wamp.error.no_such_realm',
  canceled: 'wamp.error.canceled',
  noSuchSubscription: 'wamp.error.no_such_subscription',
  noSuchRegistration: 'wamp.error.no_such_registration',
  goodbyeAndOut: 'wamp.close.goodbye_and_out',
  closeNormal: 'wamp.close.normal',
  systemShutdown: 'wamp.close.system_shutdown',
} as const;
