// The registration meta procedures (wamp.registration.*), as crossbar 26
// answers them: ids or null, and its texts for unknown ids; list_callees in
// registration order (several for a shared registration).

import { WampError, WampErrors } from '../../src/wamp/session.ts';
import type { MatchPolicy } from '../../src/wamp/session.ts';
import { isDict } from '../../src/wamp/messages.ts';
import { optionalArg, pyStr, pyType, requiredArg } from './meta-args.ts';
import type { MetaProcedure } from './meta.ts';
import type { Registration } from './dealer.ts';
import type { Realm } from './realm.ts';

function registrationOf(realm: Realm, id: unknown): Registration {
  const registration = typeof id === 'number' ? realm.dealer.registrationById(id) : undefined;
  if (!registration) throw new WampError(WampErrors.noSuchRegistration, [`no registration with ID ${pyStr(id)} exists on this dealer`]);
  return registration;
}

function procedureArg(args: unknown[], kwargs: Record<string, unknown>, method: string): string {
  const procedure = requiredArg(args, kwargs, 0, 'procedure', method);
  if (typeof procedure !== 'string') throw new WampError(WampErrors.runtimeError, [`'uri' should be unicode, not ${pyType(procedure)}`]);
  return procedure;
}

/** Registration ids by match policy, crossbar's shape for wamp.registration.list. */
function byMatch(registrations: Iterable<Registration>): Record<MatchPolicy, number[]> {
  const ids: Record<MatchPolicy, number[]> = { exact: [], prefix: [], wildcard: [] };
  for (const r of registrations) ids[r.match].push(r.id);
  return ids;
}

export const REGISTRATION_META: Array<[string, MetaProcedure]> = [
  ['wamp.registration.lookup', (realm, _caller, args, kwargs) => {
    const procedure = procedureArg(args, kwargs, 'registration_lookup');
    const options = optionalArg(args, kwargs, 1, 'options');
    const match = (isDict(options) && typeof options.match === 'string' ? options.match : 'exact') as MatchPolicy;
    return realm.dealer.lookup(procedure, match)?.id ?? null;
  }],
  ['wamp.registration.match', (realm, _caller, args, kwargs) => {
    const procedure = procedureArg(args, kwargs, 'registration_match');
    return realm.dealer.bestMatch(procedure)?.id ?? null;
  }],
  ['wamp.registration.get', (realm, _caller, args, kwargs) => {
    const r = registrationOf(realm, requiredArg(args, kwargs, 0, 'registration_id', 'registration_get'));
    return { id: r.id, created: r.created, uri: r.procedure, match: r.match, invoke: r.invoke };
  }],
  ['wamp.registration.list_callees', (realm, _caller, args, kwargs) => {
    const r = registrationOf(realm, requiredArg(args, kwargs, 0, 'registration_id', 'registration_list_callees'));
    return r.callees.map((callee) => callee.id);
  }],
  ['wamp.registration.list', (realm, _caller, args, kwargs) => {
    // As crossbar: a falsy session id (none, 0) lists every registration.
    const id = optionalArg(args, kwargs, 0, 'session_id');
    if (!id) return byMatch(realm.dealer.registrations());
    const session = typeof id === 'number' ? realm.sessions.get(id) : undefined;
    if (!session) throw new WampError('wamp.error.no_such_session', [`no session with ID ${pyStr(id)} exists on this router`]);
    return byMatch(session.registrations);
  }],
];
