// The realm's dealer: REGISTER/UNREGISTER, CALL -> INVOCATION -> YIELD ->
// RESULT, callee ERRORs forwarded, CANCEL, and clean-up when a callee or a
// caller leaves. Shared registrations as crossbar's dealer.py has them: the
// default `invoke: single` allows one callee (what OCS agents use); with
// first, last, roundrobin or random further callees may register the same
// procedure with the same policy, and a call goes to the first, the last, the
// next in turn or a random one of them. A different policy is refused with
// procedure_exists_with_different_invocation_policy; any REGISTER of a
// procedure held by a single registration with procedure_already_exists.

import { refused } from './refuse.ts';
import type { InvokePolicy, MatchPolicy } from '../../src/wamp/session.ts';
import { WampError, WampErrors } from '../../src/wamp/session.ts';
import { MessageType } from '../../src/wamp/messages.ts';
import { isValidPattern, isValidUri } from '../../src/wamp/uri-match.ts';
import { UriIndex } from './uri-index.ts';
import type { RouterCore } from './core.ts';
import { IdSequence, randomId } from './ids.ts';
import { META_PROCEDURES, type MetaProcedure } from './meta.ts';
import type { Realm } from './realm.ts';
import type { RouterSession } from './router-session.ts';
import { PayloadExceededError } from '../../src/wamp/transport.ts';

export interface Registration {
  readonly id: number;
  readonly procedure: string;
  readonly match: MatchPolicy;
  readonly invoke: InvokePolicy;
  /** Its callees in the order they registered (one for 'single'); it ends with the last of them. */
  readonly callees: RouterSession[];
  /** When it was made, ISO 8601 on the router's clock (wamp.registration.get). */
  readonly created: string;
  /** The next roundrobin turn (crossbar's roundrobin_current). */
  turn: number;
}

/** A CALL in flight. */
export interface Invocation {
  readonly id: number;
  readonly caller: RouterSession;
  /** The caller's CALL request id. */
  readonly request: number;
  readonly callee: RouterSession;
  /** The procedure as called (crossbar names it when a result cannot be delivered). */
  readonly procedure: string;
}

/** crossbar's text when a callee goes away with calls in flight (dealer.py detach). */
export const CALLEE_GONE = 'callee disconnected from in-flight request';

const NO_DETAILS = Object.freeze({});

export class Dealer {
  readonly #core: RouterCore;
  readonly #realm: Realm;
  readonly #index = new UriIndex<Registration>();
  readonly #byId = new Map<number, Registration>();
  readonly #invocations = new Map<number, Invocation>();
  readonly #isRegistrationId = (id: number): boolean => this.#byId.has(id);
  readonly #invocationIds = new IdSequence();

  constructor(core: RouterCore, realm: Realm) {
    this.#core = core;
    this.#realm = realm;
  }

  get registrationCount(): number {
    return this.#byId.size;
  }

  get invocationsInFlight(): number {
    return this.#invocations.size;
  }

  /** The registration of exactly this procedure and match policy (wamp.registration.lookup). */
  lookup(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.#index.get(procedure, match);
  }

  /** The registration a CALL of `procedure` would go to (wamp.registration.match). */
  bestMatch(procedure: string): Registration | undefined {
    return this.#index.best(procedure);
  }

  registrationById(id: number): Registration | undefined {
    return this.#byId.get(id);
  }

  registrations(): Iterable<Registration> {
    return this.#byId.values();
  }

  register(session: RouterSession, message: unknown[]): void {
    const request = message[1] as number;
    const options = message[2] as Record<string, unknown>;
    const procedure = message[3] as string;
    const match = (options.match as MatchPolicy | undefined) ?? 'exact';
    if (!isValidPattern(procedure, match)) {
      session.sendError(MessageType.REGISTER, request, WampErrors.invalidUri, [`register for invalid procedure URI '${procedure}'`]);
      return;
    }
    if (procedure.startsWith('wamp.') || procedure.startsWith('crossbar.')) {
      session.sendError(MessageType.REGISTER, request, WampErrors.invalidUri, [`register for restricted procedure URI '${procedure}'`]);
      return;
    }
    // Authorize before anything else, as crossbar does, so a refusal leaks nothing about existing registrations.
    if (refused(this.#core, session, 'register', procedure, MessageType.REGISTER, request)) return;
    const invoke = (options.invoke as InvokePolicy | undefined) ?? 'single';
    const existing = this.#index.get(procedure, match);
    if (existing) {
      if (existing.invoke === 'single') {
        session.sendError(MessageType.REGISTER, request, WampErrors.procedureAlreadyExists, [`register for already registered procedure '${procedure}'`]);
        return;
      }
      if (existing.invoke !== invoke) {
        session.sendError(MessageType.REGISTER, request, WampErrors.invocationPolicyConflict, [
          `register for already registered procedure '${procedure}' with conflicting invocation policy (has ${existing.invoke} and ${invoke} was requested)`,
        ]);
        return;
      }
      // Another callee joins the shared registration (the same session again: the same id, listed once).
      if (!existing.callees.includes(session)) existing.callees.push(session);
      session.registrations.add(existing);
      session.send([MessageType.REGISTERED, request, existing.id]);
      return;
    }
    const created = new Date(this.#core.clock.now() * 1000).toISOString();
    const id = randomId(this.#isRegistrationId);
    const registration: Registration = { id, procedure, match, invoke, callees: [session], created, turn: 0 };
    this.#index.set(procedure, match, registration);
    this.#byId.set(registration.id, registration);
    session.registrations.add(registration);
    session.send([MessageType.REGISTERED, request, registration.id]);
  }

  /** The callee a call goes to under the registration's policy (crossbar dealer.py _call). */
  #calleeOf(registration: Registration): RouterSession {
    const callees = registration.callees;
    switch (registration.invoke) {
      case 'last':
        return callees[callees.length - 1] as RouterSession;
      case 'roundrobin':
        return callees[registration.turn++ % callees.length] as RouterSession;
      case 'random':
        return callees[Math.floor(Math.random() * callees.length)] as RouterSession;
      default: // single, first
        return callees[0] as RouterSession;
    }
  }

  unregister(session: RouterSession, message: unknown[]): void {
    const request = message[1] as number;
    const registration = this.#byId.get(message[2] as number);
    if (!registration || !registration.callees.includes(session)) {
      session.sendError(MessageType.UNREGISTER, request, WampErrors.noSuchRegistration);
      return;
    }
    this.#drop(registration, session);
    session.send([MessageType.UNREGISTERED, request]);
  }

  call(session: RouterSession, message: unknown[]): void {
    const request = message[1] as number;
    const procedure = message[3] as string;
    this.#core.stats.calls++;
    if (!isValidUri(procedure)) {
      session.sendError(MessageType.CALL, request, WampErrors.invalidUri, [`call with invalid procedure URI '${procedure}'`]);
      return;
    }
    // crossbar authorizes a call before it looks the procedure up.
    if (refused(this.#core, session, 'call', procedure, MessageType.CALL, request)) return;
    const meta = procedure.startsWith('wamp.') ? META_PROCEDURES.get(procedure) : undefined;
    const registration = meta ? undefined : this.#index.best(procedure);
    if (!meta && !registration) {
      session.sendError(MessageType.CALL, request, WampErrors.noSuchProcedure, [`no callee registered for procedure <${procedure}>`]);
      return;
    }
    const args = message[4] as unknown[] | undefined;
    const kwargs = message[5] as Record<string, unknown> | undefined;
    if (meta) {
      this.#callMeta(session, request, meta, args ?? [], kwargs ?? {});
      return;
    }
    const { match, id: registrationId } = registration as Registration;
    const callee = this.#calleeOf(registration as Registration);
    const options = message[2] as Record<string, unknown>;
    const invocation: Invocation = { id: this.#invocationIds.next(), caller: session, request, callee, procedure };
    this.#invocations.set(invocation.id, invocation);
    callee.invocations.set(invocation.id, invocation);
    session.calls.set(request, invocation);
    // Pattern registrations learn the concrete procedure; the caller only if it asks to be disclosed.
    const caller = options.disclose_me === true ? session.id : undefined;
    const details = match === 'exact' ? caller === undefined ? NO_DETAILS : { caller } : caller === undefined ? { procedure } : { procedure, caller };
    const invocationMessage: unknown[] = [MessageType.INVOCATION, invocation.id, registrationId, details];
    if (args !== undefined) invocationMessage.push(args);
    if (kwargs !== undefined) invocationMessage.push(kwargs);
    if (!callee.send(invocationMessage)) this.#fail(invocation, WampErrors.runtimeError, ['call arguments could not be delivered to the callee']);
  }

  /** YIELD from a callee. A YIELD for an unknown invocation (e.g. canceled) is ignored, as crossbar does. */
  yieldResult(session: RouterSession, message: unknown[]): void {
    const invocation = this.#invocations.get(message[1] as number);
    if (!invocation || invocation.callee !== session) return;
    const progress = (message[2] as Record<string, unknown>).progress === true;
    if (!progress) this.#forget(invocation);
    const result: unknown[] = [MessageType.RESULT, invocation.request, progress ? { progress: true } : {}];
    if (message.length > 3) result.push(message[3]);
    if (message.length > 4) result.push(message[4]);
    if (!invocation.caller.send(result) && !progress) {
      const error = invocation.caller.lastSendError;
      if (error instanceof PayloadExceededError) {
        // crossbar (dealer.py): the caller's transport limit refuses the result; the caller gets this instead.
        invocation.caller.sendError(MessageType.CALL, invocation.request, WampErrors.invalidArgument, [
          `call result from procedure '${invocation.procedure}' with invalid application payload: ${error.message}`,
        ]);
      } else {
        invocation.caller.sendError(MessageType.CALL, invocation.request, WampErrors.runtimeError, ['call result could not be delivered']);
      }
    }
  }

  /** ERROR from a callee for an INVOCATION: forwarded to the caller as an ERROR for its CALL. */
  calleeError(session: RouterSession, message: unknown[]): void {
    const invocation = this.#invocations.get(message[2] as number);
    if (!invocation || invocation.callee !== session) return;
    this.#forget(invocation);
    const error: unknown[] = [MessageType.ERROR, MessageType.CALL, invocation.request, message[3], message[4]];
    if (message.length > 5) error.push(message[5]);
    if (message.length > 6) error.push(message[6]);
    if (!invocation.caller.send(error)) {
      invocation.caller.sendError(MessageType.CALL, invocation.request, message[4] as string, ['error payload could not be delivered']);
    }
  }

  /** CANCEL from a caller: answer it at once with wamp.error.canceled and INTERRUPT the callee if it can take it. */
  cancel(session: RouterSession, message: unknown[]): void {
    const invocation = session.calls.get(message[1] as number);
    if (!invocation) return;
    this.#forget(invocation);
    session.sendError(MessageType.CALL, invocation.request, WampErrors.canceled, ['call canceled by the caller']);
    if (invocation.callee.callCanceling) invocation.callee.send([MessageType.INTERRUPT, invocation.id, { mode: 'killnowait' }]);
  }

  /** A session left: drop its registrations, fail calls it was serving, forget calls it made. */
  detach(session: RouterSession): void {
    for (const registration of session.registrations) this.#drop(registration, session);
    for (const invocation of session.invocations.values()) {
      this.#fail(invocation, WampErrors.canceled, [CALLEE_GONE]);
    }
    for (const invocation of session.calls.values()) {
      this.#forget(invocation);
      if (invocation.callee.callCanceling) invocation.callee.send([MessageType.INTERRUPT, invocation.id, { mode: 'killnowait' }]);
    }
  }

  #callMeta(
    session: RouterSession,
    request: number,
    meta: MetaProcedure,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): void {
    let value: unknown;
    try {
      value = meta(this.#realm, session, args, kwargs);
    } catch (error) {
      if (error instanceof WampError) session.sendError(MessageType.CALL, request, error.error, error.args, error.kwargs);
      else session.sendError(MessageType.CALL, request, WampErrors.runtimeError, [String((error as Error)?.message ?? error)]);
      return;
    }
    session.send([MessageType.RESULT, request, {}, [value]]);
  }

  #fail(invocation: Invocation, error: string, args: unknown[]): void {
    this.#forget(invocation);
    invocation.caller.sendError(MessageType.CALL, invocation.request, error, args);
  }

  #forget(invocation: Invocation): void {
    this.#invocations.delete(invocation.id);
    invocation.callee.invocations.delete(invocation.id);
    invocation.caller.calls.delete(invocation.request);
  }

  /** `callee` leaves the registration; the registration ends with its last callee. */
  #drop(registration: Registration, callee: RouterSession): void {
    callee.registrations.delete(registration);
    const callees = registration.callees;
    const at = callees.indexOf(callee);
    if (at >= 0) callees.splice(at, 1);
    if (callees.length > 0) return;
    this.#index.delete(registration.procedure, registration.match);
    this.#byId.delete(registration.id);
  }
}
