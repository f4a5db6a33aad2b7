// The WAMP session meta API, as crossbar offers it: events
// wamp.session.on_join / on_leave, procedures wamp.session.count / list / get.

import { WampError } from '../../src/wamp/session.ts';
import type { Realm } from './realm.ts';
import type { RouterSession } from './router-session.ts';

export const META_TOPICS = {
  onJoin: 'wamp.session.on_join',
  onLeave: 'wamp.session.on_leave',
} as const;

/** What on_join carries and wamp.session.get returns (a subset of autobahn's SessionDetails). */
export function sessionDetails(session: RouterSession): Record<string, unknown> {
  return {
    session: session.id,
    realm: session.realm,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: 'static',
    transport: { type: session.transportType },
  };
}

type MetaProcedure = (realm: Realm, caller: RouterSession, args: unknown[], kwargs: Record<string, unknown>) => unknown;

/** crossbar's optional filter: a list of authroles. */
function roleFilter(args: unknown[]): ((s: RouterSession) => boolean) | undefined {
  const roles = args[0];
  if (roles === undefined || roles === null) return undefined;
  if (!Array.isArray(roles)) throw new WampError('wamp.error.invalid_argument', ['filter_authroles must be a list']);
  return (s) => roles.includes(s.authrole);
}

export const META_PROCEDURES = new Map<string, MetaProcedure>([
  ['wamp.session.count', (realm, _caller, args) => {
    const keep = roleFilter(args);
    if (!keep) return realm.sessions.size;
    let count = 0;
    for (const s of realm.sessions.values()) if (keep(s)) count++;
    return count;
  }],
  ['wamp.session.list', (realm, _caller, args) => {
    const keep = roleFilter(args);
    const ids: number[] = [];
    for (const s of realm.sessions.values()) if (!keep || keep(s)) ids.push(s.id);
    return ids;
  }],
  ['wamp.session.get', (realm, _caller, args) => {
    const id = args[0];
    const session = typeof id === 'number' ? realm.sessions.get(id) : undefined;
    if (!session) throw new WampError('wamp.error.no_such_session', [`no session with ID ${String(id)} exists on this router`]);
    return sessionDetails(session);
  }],
]);
