// One attached transport as the router sees it: the session state machine
// (HELLO -> WELCOME ... GOODBYE/ABORT/close) and dispatch of each message to
// the realm's broker or dealer. Strict: a malformed or out-of-order message
// costs this session (ABORT wamp.error.protocol_violation), never the router.

import { WampErrors } from '../../src/wamp/session.ts';
import { isDict, messageName, messageProblem, MessageType } from '../../src/wamp/messages.ts';
import type { WampTransport } from '../../src/wamp/transport.ts';
import { isValidUri } from '../../src/wamp/uri-match.ts';
import type { SessionInfo } from './authorize.ts';
import type { Subscription } from './broker.ts';
import type { RouterCore } from './core.ts';
import type { Invocation, Registration } from './dealer.ts';
import type { Realm } from './realm.ts';
import { isJsonTextTransport, type JsonTextTransport } from './json-text.ts';

/** What a RouterSession needs from the Router that owns it. */
export interface RouterHost {
  readonly core: RouterCore;
  /** The realm to join, created on demand if the router allows it; undefined if it does not exist. */
  realmFor(name: string): Realm | undefined;
  newSessionId(): number;
  sessionJoined(session: RouterSession): void;
  sessionLeft(session: RouterSession): void;
  /** The transport closed; nothing more will come from it. */
  transportClosed(session: RouterSession): void;
}

const AWAITING_HELLO = 0;
const JOINED = 1;
const CLOSED = 2;

/** Roles a router announces in WELCOME. */
const ROUTER_ROLES = Object.freeze({
  broker: { features: { pattern_based_subscription: true, publisher_exclusion: true, publisher_identification: true, session_meta_api: true } },
  dealer: {
    features: { pattern_based_registration: true, caller_identification: true, call_canceling: true, progressive_call_results: true, session_meta_api: true },
  },
});

export class RouterSession implements SessionInfo {
  id = 0;
  realm = '';
  authid = '';
  authrole = '';
  authmethod = 'anonymous';
  /** The client announced callee feature call_canceling (it understands INTERRUPT). */
  callCanceling = false;
  readonly transport: WampTransport;
  /** The transport, when it takes messages as JSON text (json-text.ts): the broker sends it EVENTs as text. */
  readonly jsonText: JsonTextTransport | null;
  readonly subscriptions: Set<Subscription> = new Set();
  readonly registrations: Set<Registration> = new Set();
  /** As callee: invocations in flight, by invocation id. */
  readonly invocations: Map<number, Invocation> = new Map();
  /** As caller: calls in flight, by the caller's request id. */
  readonly calls: Map<number, Invocation> = new Map();
  #state = AWAITING_HELLO;
  #realm: Realm | undefined;
  readonly #host: RouterHost;

  constructor(transport: WampTransport, host: RouterHost) {
    this.transport = transport;
    this.#host = host;
    transport.onMessage = this.receive;
    transport.onClose = this.#transportClosed;
    this.jsonText = isJsonTextTransport(transport) ? transport : null;
    if (this.jsonText !== null) this.jsonText.onPublishText = this.#publishText;
  }

  get isJoined(): boolean {
    return this.#state === JOINED;
  }

  get transportType(): string {
    return this.transport.info?.type ?? 'unknown';
  }

  /** Send one message; false if the transport refused it (closed, or not serializable). A fault hook may hold, delay or drop it. */
  send(message: unknown[]): boolean {
    const core = this.#host.core;
    if (core.faultsOn && core.faults.outbound(this, message)) return true;
    return this.deliver(message);
  }

  /** Why the last send() that failed did (e.g. a PayloadExceededError), for the caller of send() to answer. */
  lastSendError: unknown = null;

  /** Hand a message to the transport, past the fault hooks. */
  deliver(message: unknown[]): boolean {
    const stats = this.#host.core.stats;
    try {
      this.transport.send(message);
      stats.messagesOut++;
      return true;
    } catch (error) {
      stats.sendErrors++;
      this.lastSendError = error;
      return false;
    }
  }

  /** Hand a message given as JSON text to a JSON transport (jsonText), as deliver() does; the caller checked for fault hooks. */
  deliverText(text: string): boolean {
    const stats = this.#host.core.stats;
    try {
      (this.jsonText as JsonTextTransport).sendJsonText(text);
      stats.messagesOut++;
      return true;
    } catch (error) {
      stats.sendErrors++;
      this.lastSendError = error;
      return false;
    }
  }

  sendError(requestType: number, request: number, error: string, args?: unknown[], kwargs?: Record<string, unknown>): void {
    const message: unknown[] = [MessageType.ERROR, requestType, request, {}, error];
    if (args !== undefined) message.push(args);
    if (kwargs !== undefined) message.push(kwargs);
    this.send(message);
  }

  /** Hot path: every message from the client. A fault hook may hold or drop it. */
  receive = (message: unknown[]): void => {
    const core = this.#host.core;
    if (core.faultsOn && core.faults.inbound(this, message)) return;
    this.process(message);
  };

  /**
   * Hot path: a plain PUBLISH from a JSON socket, read in place (json-text.ts). Taken only when no fault
   * hook is in force and the topic's route is known (a topic published to before); else false, and the
   * message comes again the ordinary way, decoded.
   */
  #publishText = (_request: number, topic: string, tail: string): boolean => {
    const core = this.#host.core;
    if (core.faultsOn || this.#state !== JOINED) return false;
    const broker = (this.#realm as Realm).broker;
    const subscriptions = broker.knownRoute(topic);
    if (subscriptions === undefined) return false;
    core.stats.messagesIn++;
    try {
      broker.publishText(this, subscriptions, topic, tail);
    } catch (error) {
      core.stats.internalErrors++;
      this.abort(WampErrors.runtimeError, `Router failed on PUBLISH: ${String(error)}`);
    }
    return true;
  };

  /** Act on a message from the client, past the fault hooks. */
  process(message: unknown[]): void {
    this.#host.core.stats.messagesIn++;
    const problem = messageProblem(message);
    if (problem !== null) {
      this.protocolViolation(problem);
      return;
    }
    try {
      if (this.#state === JOINED) this.#dispatch(message);
      else if (this.#state === AWAITING_HELLO) this.#handshake(message);
    } catch (error) {
      // A router bug: lose this session, keep the router.
      this.#host.core.stats.internalErrors++;
      this.abort(WampErrors.runtimeError, `Router failed on ${messageName(message[0])}: ${String(error)}`);
    }
  }

  #dispatch(message: unknown[]): void {
    const realm = this.#realm as Realm;
    switch (message[0]) {
      case MessageType.PUBLISH:
        realm.broker.publish(this, message);
        return;
      case MessageType.YIELD:
        realm.dealer.yieldResult(this, message);
        return;
      case MessageType.CALL:
        realm.dealer.call(this, message);
        return;
      case MessageType.SUBSCRIBE:
        realm.broker.subscribe(this, message);
        return;
      case MessageType.UNSUBSCRIBE:
        realm.broker.unsubscribe(this, message);
        return;
      case MessageType.REGISTER:
        realm.dealer.register(this, message);
        return;
      case MessageType.UNREGISTER:
        realm.dealer.unregister(this, message);
        return;
      case MessageType.CANCEL:
        realm.dealer.cancel(this, message);
        return;
      case MessageType.ERROR:
        if (message[1] !== MessageType.INVOCATION) {
          this.protocolViolation(`ERROR for a ${messageName(message[1])} cannot come from a client.`);
          return;
        }
        realm.dealer.calleeError(this, message);
        return;
      case MessageType.GOODBYE:
        // The session ends; the transport stays open and may carry a new HELLO.
        this.send([MessageType.GOODBYE, {}, WampErrors.goodbyeAndOut]);
        this.#leave();
        return;
      case MessageType.ABORT:
        this.transport.close(message[2] as string);
        return;
      case MessageType.HELLO:
        this.protocolViolation('HELLO received on a session that is already established.');
        return;
      default:
        this.protocolViolation(`${messageName(message[0])} cannot come from a client.`);
    }
  }

  #handshake(message: unknown[]): void {
    if (message[0] === MessageType.ABORT) {
      this.transport.close(message[2] as string);
      return;
    }
    if (message[0] !== MessageType.HELLO) {
      this.protocolViolation(`${messageName(message[0])} received before the session was established (expected HELLO).`);
      return;
    }
    const realmName = message[1] as string;
    const details = message[2] as Record<string, unknown>;
    if (!isValidUri(realmName)) {
      this.protocolViolation(`HELLO for invalid realm URI '${realmName}'.`);
      return;
    }
    if (!isDict(details.roles)) {
      this.protocolViolation('HELLO details must announce "roles".');
      return;
    }
    const realm = this.#host.realmFor(realmName);
    if (!realm) {
      this.abort(WampErrors.noSuchRealm, `no realm "${realmName}" exists on this router`);
      return;
    }
    const info = this.transport.info;
    this.id = this.#host.newSessionId();
    this.realm = realmName;
    this.authrole = info?.authrole ?? 'anonymous';
    this.authid = info?.authid ?? (typeof details.authid === 'string' ? details.authid : `anonymous-${this.id}`);
    this.callCanceling = readCallCanceling(details.roles);
    this.#realm = realm;
    this.#state = JOINED;
    this.send([
      MessageType.WELCOME,
      this.id,
      { realm: realmName, authid: this.authid, authrole: this.authrole, authmethod: this.authmethod, authprovider: 'static', roles: ROUTER_ROLES },
    ]);
    this.#host.core.stats.sessionsJoined++;
    this.#host.sessionJoined(this);
    realm.join(this);
  }

  /** ABORT this session for a protocol violation and close its transport. */
  protocolViolation(text: string): void {
    this.#host.core.stats.protocolViolations++;
    this.abort(WampErrors.protocolViolation, text);
  }

  /** Send ABORT, then close the transport (which ends the session). */
  abort(reason: string, text: string): void {
    if (this.#state === CLOSED) return;
    this.send([MessageType.ABORT, { message: text }, reason]);
    this.transport.close(reason);
  }

  /** Router-initiated end of a joined session (router shutdown): GOODBYE, then close. */
  goodbye(reason: string, text: string): void {
    if (this.#state === JOINED) this.send([MessageType.GOODBYE, { message: text }, reason]);
    this.transport.close(reason);
  }

  #transportClosed = (): void => {
    if (this.#state === CLOSED) return;
    this.#leave();
    this.#state = CLOSED;
    this.#host.transportClosed(this);
  };

  #leave(): void {
    if (this.#state !== JOINED) return;
    this.#state = AWAITING_HELLO;
    this.#host.core.stats.sessionsLeft++;
    this.#host.sessionLeft(this);
    this.#realm?.leave(this);
    this.#realm = undefined;
  }
}

function readCallCanceling(roles: Record<string, unknown>): boolean {
  const callee = roles.callee;
  if (!isDict(callee) || !isDict(callee.features)) return false;
  return callee.features.call_canceling === true;
}
