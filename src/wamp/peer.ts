// A WAMP client session over any WampTransport: what agents and the registry
// use against the in-process simulator (and, with a WebSocket transport, a
// real router). Implements the WampSession seam.

import {
  type Args,
  CallResult,
  type Endpoint,
  type EventDetails,
  type EventHandler,
  type EventTextHandler,
  type InvocationDetails,
  type Kwargs,
  type PublishOptions,
  type RegisterOptions,
  type Registration,
  type SubscribeOptions,
  type Subscription,
  WampError,
  WampErrors,
  type WampSession,
} from './session.ts';
import { CLIENT_BOUND, MAX_ID, messageName, messageProblem, MessageType } from './messages.ts';
import { PayloadExceededError, type WampTransport } from './transport.ts';

/** Close reason when the transport went away without GOODBYE or ABORT. */
export const TRANSPORT_LOST = 'wamp.close.transport_lost';

export interface WampPeerOptions {
  /** Sent in HELLO; a router may override it. */
  authid?: string;
  /** Gets every error an event handler throws. Default: the first is logged with console.error, all are counted. */
  onHandlerError?: (error: unknown, topic: string) => void;
  /**
   * A procedure's result was over the transport's size limit and was answered
   * with wamp.error.payload_size_exceeded instead; the text returned here is
   * added to that error (e.g. where else to read the data).
   */
  onResultTooBig?: (procedure: string, error: PayloadExceededError) => string | void;
}

export interface WampPeerStats {
  /** Event handlers that threw. */
  handlerErrors: number;
  /** publish() calls on a closed session (dropped, as the network would). */
  droppedPublishes: number;
  /** Results over the transport's size limit, answered with an error instead. */
  resultsTooBig: number;
}

/** A request waiting for its reply; `onReply` runs synchronously so handlers are in place before the next message. */
interface Pending {
  /** The request's message type (to match ERROR replies). */
  type: number;
  /** The reply type expected. */
  expect: number;
  what: string;
  onReply(message: unknown[]): void;
  reject(error: WampError): void;
}

interface LocalSubscription {
  topic: string;
  handlers: EventHandler[];
  /** The text fast path of its one handler (see SubscribeOptions.text); null with several handlers. */
  text: EventTextHandler | null;
}

interface LocalRegistration {
  procedure: string;
  endpoint: Endpoint;
}

const JOINING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const HELLO_ROLES = Object.freeze({
  caller: { features: { caller_identification: true } },
  callee: { features: { caller_identification: true, pattern_based_registration: true } },
  publisher: { features: { publisher_exclusion: true, publisher_identification: true } },
  subscriber: { features: { pattern_based_subscription: true, publisher_identification: true } },
});

// Shared, frozen: the hot path allocates no options object and hands handlers no fresh empty payloads.
const NO_OPTIONS = Object.freeze({});
const NO_ARGS: Args = Object.freeze([]) as unknown as Args;
const NO_KWARGS: Kwargs = Object.freeze({});
const NOT_EXCLUDED = Object.freeze({ exclude_me: false });

export class WampPeer implements WampSession {
  readonly realm: string;
  readonly stats: WampPeerStats = { handlerErrors: 0, droppedPublishes: 0, resultsTooBig: 0 };
  #id = 0;
  #state = JOINING;
  #closeReason = '';
  #lastRequest = 0;
  readonly #transport: WampTransport;
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Map<number, LocalSubscription>();
  readonly #registrations = new Map<number, LocalRegistration>();
  #closeListeners: Array<(reason: string) => void> = [];
  #joined: { resolve: (peer: WampPeer) => void; reject: (error: WampError) => void } | undefined;
  #left: Promise<void> | undefined;
  #resolveLeft: (() => void) | undefined;
  readonly #onHandlerError: ((error: unknown, topic: string) => void) | undefined;
  readonly #onResultTooBig: WampPeerOptions['onResultTooBig'];

  private constructor(transport: WampTransport, realm: string, options: WampPeerOptions) {
    this.#transport = transport;
    this.realm = realm;
    this.#onHandlerError = options.onHandlerError;
    this.#onResultTooBig = options.onResultTooBig;
    transport.onMessage = this.#receive;
    transport.onMessageText = this.#receiveText;
    transport.onClose = this.#transportClosed;
  }

  /** Send HELLO on `transport` and resolve once WELCOME arrives; rejects with a WampError on ABORT. */
  static join(transport: WampTransport, realm: string, options: WampPeerOptions = {}): Promise<WampPeer> {
    const peer = new WampPeer(transport, realm, options);
    return new Promise((resolve, reject) => {
      peer.#joined = { resolve, reject };
      const details: Record<string, unknown> = { roles: HELLO_ROLES };
      if (options.authid !== undefined) details.authid = options.authid;
      peer.#transport.send([MessageType.HELLO, realm, details]);
    });
  }

  get id(): number {
    return this.#id;
  }

  get isOpen(): boolean {
    return this.#state === OPEN;
  }

  subscribe(topic: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> {
    const match = options?.match;
    const request = this.#nextRequest();
    return this.#request(MessageType.SUBSCRIBE, MessageType.SUBSCRIBED, `SUBSCRIBE to '${topic}'`, [
      MessageType.SUBSCRIBE,
      request,
      match && match !== 'exact' ? { match } : {},
      topic,
    ], (reply) => {
      // Several local subscriptions to one topic share the router's subscription id.
      const id = reply[2] as number;
      let local = this.#subscriptions.get(id);
      if (!local) this.#subscriptions.set(id, local = { topic, handlers: [], text: null });
      local.handlers.push(handler);
      local.text = local.handlers.length === 1 ? (options?.text ?? null) : null;
      return { id, topic, unsubscribe: () => this.#unsubscribe(id, handler) };
    });
  }

  /** Hot path: no Promise, no options object unless asked for. */
  publish(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): void {
    if (this.#state !== OPEN) {
      this.stats.droppedPublishes++;
      return;
    }
    const request = this.#nextRequest();
    const wireOptions = options === undefined || options.exclude_me !== false ? NO_OPTIONS : NOT_EXCLUDED;
    const message = kwargs !== undefined
      ? [MessageType.PUBLISH, request, wireOptions, topic, args ?? NO_ARGS, kwargs]
      : args !== undefined
      ? [MessageType.PUBLISH, request, wireOptions, topic, args]
      : [MessageType.PUBLISH, request, wireOptions, topic];
    try {
      this.#transport.send(message);
    } catch (error) {
      throw unsendable(`PUBLISH to '${topic}'`, error);
    }
  }

  publishAcknowledged(topic: string, args?: Args, kwargs?: Kwargs, options?: PublishOptions): Promise<number> {
    const request = this.#nextRequest();
    const wireOptions: Record<string, unknown> = { acknowledge: true };
    if (options?.exclude_me === false) wireOptions.exclude_me = false;
    return this.#request(
      MessageType.PUBLISH,
      MessageType.PUBLISHED,
      `PUBLISH to '${topic}'`,
      withPayload([MessageType.PUBLISH, request, wireOptions, topic], args, kwargs),
      (reply) => reply[2] as number,
    );
  }

  register(procedure: string, endpoint: Endpoint, options?: RegisterOptions): Promise<Registration> {
    const match = options?.match;
    const invoke = options?.invoke;
    const request = this.#nextRequest();
    const wireOptions: Record<string, string> = {};
    if (match && match !== 'exact') wireOptions.match = match;
    if (invoke && invoke !== 'single') wireOptions.invoke = invoke;
    return this.#request(MessageType.REGISTER, MessageType.REGISTERED, `REGISTER of '${procedure}'`, [
      MessageType.REGISTER,
      request,
      wireOptions,
      procedure,
    ], (reply) => {
      const id = reply[2] as number;
      this.#registrations.set(id, { procedure, endpoint });
      return { id, procedure, unregister: () => this.#unregister(id, procedure) };
    });
  }

  call(procedure: string, args?: Args, kwargs?: Kwargs): Promise<CallResult> {
    const request = this.#nextRequest();
    return this.#request(
      MessageType.CALL,
      MessageType.RESULT,
      `CALL of '${procedure}'`,
      withPayload([MessageType.CALL, request, {}, procedure], args, kwargs),
      (reply) => new CallResult((reply[3] as Args | undefined) ?? [], (reply[4] as Kwargs | undefined) ?? {}),
    );
  }

  leave(reason: string = WampErrors.closeNormal): Promise<void> {
    if (this.#state === CLOSED) return Promise.resolve();
    if (this.#left) return this.#left;
    this.#left = new Promise((resolve) => (this.#resolveLeft = resolve));
    if (this.#state === JOINING) {
      this.#transport.close(reason);
      return this.#left;
    }
    this.#state = CLOSING;
    this.#closeReason = reason;
    this.#transport.send([MessageType.GOODBYE, {}, reason]);
    return this.#left;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.#state === CLOSED) {
      queueMicrotask(() => listener(this.#closeReason));
      return;
    }
    this.#closeListeners.push(listener);
  }

  // ---- incoming ----

  /** Hot path: every message from the router. */
  #receive = (message: unknown[]): void => {
    const problem = messageProblem(message);
    if (problem !== null) {
      this.#protocolViolation(problem);
      return;
    }
    const type = message[0] as number;
    if (!CLIENT_BOUND.has(type)) {
      this.#protocolViolation(`${messageName(type)} cannot come from a router.`);
      return;
    }
    if (type === MessageType.EVENT) {
      if (this.#state === OPEN) this.#event(message);
      return;
    }
    if (this.#state === JOINING) {
      this.#handshake(message);
      return;
    }
    if (this.#state === CLOSED) return;
    switch (type) {
      case MessageType.INVOCATION:
        this.#invocation(message);
        return;
      case MessageType.ERROR:
        this.#errorReply(message);
        return;
      case MessageType.GOODBYE:
        if (this.#state === OPEN) {
          // Router-initiated: acknowledge, then the session is over.
          this.#closeReason = message[2] as string;
          this.#transport.send([MessageType.GOODBYE, {}, WampErrors.goodbyeAndOut]);
        }
        this.#finish(this.#closeReason);
        this.#transport.close(this.#closeReason);
        return;
      case MessageType.ABORT:
        this.#finish(message[2] as string);
        this.#transport.close(message[2] as string);
        return;
      case MessageType.WELCOME:
        this.#protocolViolation('WELCOME received on a session that is already established.');
        return;
      case MessageType.INTERRUPT:
        // Endpoints here cannot be interrupted; the router has already answered the caller.
        return;
      default:
        this.#reply(type, message);
    }
  };

  /**
   * Hot path for JSON: a plain EVENT `[36,<subscription>,<publication>,{"topic":"<topic>"},<args>]`
   * offered to its subscription's text handler before anything is parsed (at 10k heartbeats/s
   * JSON.parse and the objects it builds were most of the registry's receive cost: see
   * bench/RESULTS.md, "Registry receive path, cut"). False: parse it as usual. The handler checks
   * the args and that they end where the message does; the ids and topic are checked here.
   */
  #receiveText = (text: string, from: number, to: number): boolean => {
    if (this.#state !== OPEN || text.charCodeAt(to - 1) !== CLOSE_BRACKET || !text.startsWith('[36,', from)) return false;
    const subscription = idAt(text, from + 4);
    if (subscription < 0) return false;
    let i = from + 5 + digitCount;
    if (idAt(text, i) < 0) return false;
    i += digitCount + 1;
    if (text.charCodeAt(i - 1) !== COMMA || !text.startsWith(TOPIC_DETAILS, i)) return false;
    const topicFrom = i + TOPIC_DETAILS.length;
    let topicTo = topicFrom;
    for (; topicTo < to; topicTo++) {
      const c = text.charCodeAt(topicTo);
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20) return false;
    }
    const argsFrom = topicTo + 3;
    if (!text.startsWith('"},', topicTo) || text.charCodeAt(argsFrom) !== OPEN_BRACKET) return false;
    const local = this.#subscriptions.get(subscription);
    if (local === undefined || local.text === null) return false;
    try {
      return local.text(text, topicFrom, topicTo, argsFrom, to - 1);
    } catch (error) {
      this.#handlerFailed(error, local.topic);
      return true;
    }
  };

  #event(message: unknown[]): void {
    const local = this.#subscriptions.get(message[1] as number);
    if (local === undefined) return; // in flight when we unsubscribed
    const wire = message[3] as { topic?: string; publisher?: number };
    const details: EventDetails = wire.topic === undefined && wire.publisher === undefined
      ? { publication: message[2] as number }
      : { publication: message[2] as number, topic: wire.topic, publisher: wire.publisher };
    const args = (message[4] as Args | undefined) ?? NO_ARGS;
    const kwargs = (message[5] as Kwargs | undefined) ?? NO_KWARGS;
    const handlers = local.handlers;
    for (let i = 0; i < handlers.length; i++) {
      try {
        (handlers[i] as EventHandler)(args, kwargs, details);
      } catch (error) {
        this.#handlerFailed(error, local.topic);
      }
    }
  }

  #handshake(message: unknown[]): void {
    const joined = this.#joined;
    this.#joined = undefined;
    if (message[0] === MessageType.WELCOME) {
      this.#id = message[1] as number;
      this.#state = OPEN;
      joined?.resolve(this);
      return;
    }
    if (message[0] === MessageType.ABORT) {
      const reason = message[2] as string;
      const text = (message[1] as Record<string, unknown>).message;
      joined?.reject(new WampError(reason, typeof text === 'string' ? [text] : []));
      this.#finish(reason);
      this.#transport.close(reason);
      return;
    }
    this.#joined = joined;
    this.#protocolViolation(`${messageName(message[0])} received before WELCOME.`);
  }

  #reply(type: number, message: unknown[]): void {
    const request = message[1] as number;
    const pending = this.#pending.get(request);
    if (pending === undefined) return; // e.g. a RESULT after the call was given up
    if (pending.expect !== type) {
      this.#protocolViolation(`${messageName(type)} received for request ${request}, a ${messageName(pending.type)}.`);
      return;
    }
    this.#pending.delete(request);
    pending.onReply(message);
  }

  #errorReply(message: unknown[]): void {
    const request = message[2] as number;
    const pending = this.#pending.get(request);
    if (pending === undefined) return;
    if (pending.type !== message[1]) {
      this.#protocolViolation(`ERROR for a ${messageName(message[1])} received for request ${request}, a ${messageName(pending.type)}.`);
      return;
    }
    this.#pending.delete(request);
    pending.reject(new WampError(message[4] as string, (message[5] as Args | undefined) ?? [], (message[6] as Kwargs | undefined) ?? {}));
  }

  #invocation(message: unknown[]): void {
    const request = message[1] as number;
    const local = this.#registrations.get(message[2] as number);
    if (!local) {
      this.#send([MessageType.ERROR, MessageType.INVOCATION, request, {}, WampErrors.noSuchRegistration]);
      return;
    }
    let result: unknown;
    try {
      result = local.endpoint((message[4] as Args | undefined) ?? [], (message[5] as Kwargs | undefined) ?? {}, message[3] as InvocationDetails);
    } catch (error) {
      this.#yieldError(request, error);
      return;
    }
    if (isThenable(result)) {
      result.then((value) => this.#yield(request, value, local.procedure), (error: unknown) => this.#yieldError(request, error));
    } else {
      this.#yield(request, result, local.procedure);
    }
  }

  #yield(request: number, value: unknown, procedure: string): void {
    if (this.#state !== OPEN) return;
    const message: unknown[] = value instanceof CallResult
      ? withPayload([MessageType.YIELD, request, {}], value.args, Object.keys(value.kwargs).length > 0 ? value.kwargs : undefined)
      : [MessageType.YIELD, request, {}, [value === undefined ? null : value]];
    try {
      this.#transport.send(message);
    } catch (error) {
      if (error instanceof PayloadExceededError) this.#resultTooBig(request, procedure, error);
      else this.#yieldError(request, new WampError(WampErrors.runtimeError, [`Result of '${procedure}' cannot be sent: ${errorText(error)}`]));
    }
  }

  /** A result the router would refuse (and cut us off for): the caller gets an error that says why. */
  #resultTooBig(request: number, procedure: string, error: PayloadExceededError): void {
    this.stats.resultsTooBig++;
    let hint: string | void = undefined;
    try {
      hint = this.#onResultTooBig?.(procedure, error);
    } catch {
      // the error still goes out
    }
    const text = `The result of '${procedure}' is ${error.bytes} bytes, over the router's message limit of ${error.limit} bytes, and was not sent.` +
      (hint ? ` ${hint}` : '');
    this.#yieldError(request, new WampError(WampErrors.payloadSizeExceeded, [text]));
  }

  #yieldError(request: number, error: unknown): void {
    if (this.#state !== OPEN) return;
    const message: unknown[] = error instanceof WampError
      ? withPayload(
        [MessageType.ERROR, MessageType.INVOCATION, request, {}, error.error],
        error.args,
        Object.keys(error.kwargs).length > 0 ? error.kwargs : undefined,
      )
      : [MessageType.ERROR, MessageType.INVOCATION, request, {}, WampErrors.runtimeError, [errorText(error)]];
    try {
      this.#transport.send(message);
    } catch (sendError) {
      this.#send([MessageType.ERROR, MessageType.INVOCATION, request, {}, WampErrors.runtimeError, [`Error cannot be sent: ${errorText(sendError)}`]]);
    }
  }

  // ---- outgoing requests ----

  #nextRequest(): number {
    this.#lastRequest = this.#lastRequest >= MAX_ID ? 1 : this.#lastRequest + 1;
    return this.#lastRequest;
  }

  /** Send a request and settle with `onReply(reply)` or a WampError. */
  #request<T>(type: number, expect: number, what: string, message: unknown[], onReply: (reply: unknown[]) => T): Promise<T> {
    if (this.#state !== OPEN) return Promise.reject(this.#closedError(what));
    return new Promise<T>((resolve, reject) => {
      try {
        this.#transport.send(message);
      } catch (error) {
        reject(unsendable(what, error));
        return;
      }
      this.#pending.set(message[1] as number, { type, expect, what, onReply: (reply) => resolve(onReply(reply)), reject });
    });
  }

  #unsubscribe(id: number, handler: EventHandler): Promise<void> {
    const local = this.#subscriptions.get(id);
    const i = local ? local.handlers.indexOf(handler) : -1;
    if (!local || i < 0) return Promise.resolve();
    local.handlers.splice(i, 1);
    local.text = null;
    if (local.handlers.length > 0) return Promise.resolve();
    this.#subscriptions.delete(id);
    if (this.#state !== OPEN) return Promise.resolve();
    const request = this.#nextRequest();
    return this.#request(
      MessageType.UNSUBSCRIBE,
      MessageType.UNSUBSCRIBED,
      `UNSUBSCRIBE from '${local.topic}'`,
      [MessageType.UNSUBSCRIBE, request, id],
      () => undefined,
    );
  }

  #unregister(id: number, procedure: string): Promise<void> {
    if (!this.#registrations.delete(id) || this.#state !== OPEN) return Promise.resolve();
    const request = this.#nextRequest();
    return this.#request(
      MessageType.UNREGISTER,
      MessageType.UNREGISTERED,
      `UNREGISTER of '${procedure}'`,
      [MessageType.UNREGISTER, request, id],
      () => undefined,
    );
  }

  /** Send, ignoring refusals (the session is going anyway, or the message is a fallback). */
  #send(message: unknown[]): void {
    try {
      this.#transport.send(message);
    } catch {
      // Nothing more to tell anyone.
    }
  }

  // ---- ending ----

  #protocolViolation(text: string): void {
    this.#send([MessageType.ABORT, { message: text }, WampErrors.protocolViolation]);
    const joined = this.#joined;
    this.#joined = undefined;
    joined?.reject(new WampError(WampErrors.protocolViolation, [text]));
    this.#finish(WampErrors.protocolViolation);
    this.#transport.close(WampErrors.protocolViolation);
  }

  #transportClosed = (reason: string): void => {
    if (this.#state === CLOSED) return;
    const joined = this.#joined;
    this.#joined = undefined;
    const closeReason = this.#state === CLOSING ? this.#closeReason : TRANSPORT_LOST;
    joined?.reject(new WampError(TRANSPORT_LOST, [`Transport closed before WELCOME: ${reason}`]));
    this.#finish(closeReason);
  };

  /** The session is over: fail what is pending, tell listeners once. */
  #finish(reason: string): void {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#closeReason = reason;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#subscriptions.clear();
    this.#registrations.clear();
    for (const p of pending) p.reject(this.#closedError(p.what));
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (error) {
        this.#handlerFailed(error, 'onClose');
      }
    }
    this.#resolveLeft?.();
  }

  #closedError(what: string): WampError {
    const reason = this.#closeReason || TRANSPORT_LOST;
    return new WampError(reason, [`Session closed (${reason}) before the router answered ${what}.`]);
  }

  #handlerFailed(error: unknown, topic: string): void {
    this.stats.handlerErrors++;
    if (this.#onHandlerError) {
      try {
        this.#onHandlerError(error, topic);
      } catch {
        // A failing error hook must not break the session either.
      }
    } else if (this.stats.handlerErrors === 1) {
      console.error(`WampPeer: an event handler for '${topic}' threw (further errors are only counted):`, error);
    }
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const TOPIC_DETAILS = '{"topic":"';
/** Digits of the id idAt read last. */
let digitCount = 0;

/**
 * The WAMP id written at `at` in JSON (1 to 16 digits, no leading zero, at most 2^53 as JSON.parse
 * reads it: up to 16 digits the running value is exact until its last step, which rounds as
 * JSON.parse does), or -1. The digits are counted in `digitCount`; the id must be followed by a comma.
 */
function idAt(text: string, at: number): number {
  let id = 0;
  let i = at;
  for (;;) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    if (d === 0 && i === at) return -1;
    id = id * 10 + d;
    i++;
  }
  digitCount = i - at;
  return digitCount === 0 || digitCount > 16 || id > MAX_ID || text.charCodeAt(i) !== COMMA ? -1 : id;
}

function withPayload(message: unknown[], args: Args | undefined, kwargs: Kwargs | undefined): unknown[] {
  if (args !== undefined || kwargs !== undefined) message.push(args ?? []);
  if (kwargs !== undefined) message.push(kwargs);
  return message;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A request the transport refused to carry (e.g. a BigInt in JSON mode): the caller's bad argument. */
function unsendable(what: string, error: unknown): WampError {
  return new WampError(WampErrors.invalidArgument, [`${what} cannot be sent: ${errorText(error)}`]);
}
