// The WAMP meta API, as crossbar 26 offers it: events wamp.session.on_join
// (the session details) and wamp.session.on_leave (just the session id), and
// the procedures below. Replies and error texts follow crossbar's
// RouterServiceAgent; who may call them is the authorize hook's business
// (OCS's roles allow only `observatory.`, so crossbar says not_authorized).

import { WampError, WampErrors } from '../../src/wamp/session.ts';
import { optionalArg, pyStr, requiredArg } from './meta-args.ts';
import type { Realm } from './realm.ts';
import { REGISTRATION_META } from './registration-meta.ts';
import type { RouterSession } from './router-session.ts';

export const META_TOPICS = {
  onJoin: 'wamp.session.on_join',
  onLeave: 'wamp.session.on_leave',
} as const;

/** What on_join carries and wamp.session.get returns: crossbar's keys (its transport dict is richer). */
export function sessionDetails(session: RouterSession): Record<string, unknown> {
  return {
    realm: session.realm,
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: 'static',
    authextra: { x_cb_node: 'ocs-sim', x_cb_worker: 'router' },
    serializer: null,
    transport: { type: session.transportType },
    resumed: false,
    resumable: false,
    resume_token: null,
  };
}

export type MetaProcedure = (realm: Realm, caller: RouterSession, args: unknown[], kwargs: Record<string, unknown>) => unknown;

/** crossbar's optional filter_authroles: a list, or None; anything else fails its assert (runtime_error, no text). */
function roleFilter(args: unknown[], kwargs: Record<string, unknown>): ((s: RouterSession) => boolean) | undefined {
  const roles = optionalArg(args, kwargs, 0, 'filter_authroles');
  if (roles === undefined || roles === null) return undefined;
  if (!Array.isArray(roles)) throw new WampError(WampErrors.runtimeError, []);
  return (s) => roles.includes(s.authrole);
}

const SESSION_META: Array<[string, MetaProcedure]> = [
  ['wamp.session.count', (realm, _caller, args, kwargs) => {
    const keep = roleFilter(args, kwargs);
    if (!keep) return realm.sessions.size;
    let count = 0;
    for (const s of realm.sessions.values()) if (keep(s)) count++;
    return count;
  }],
  ['wamp.session.list', (realm, _caller, args, kwargs) => {
    const keep = roleFilter(args, kwargs);
    const ids: number[] = [];
    for (const s of realm.sessions.values()) if (!keep || keep(s)) ids.push(s.id);
    return ids;
  }],
  ['wamp.session.get', (realm, _caller, args, kwargs) => {
    const id = requiredArg(args, kwargs, 0, 'session_id', 'session_get');
    const session = typeof id === 'number' ? realm.sessions.get(id) : undefined;
    if (!session) throw new WampError('wamp.error.no_such_session', [`no session with ID ${pyStr(id)} exists on this router`]);
    return sessionDetails(session);
  }],
];

export const META_PROCEDURES = new Map<string, MetaProcedure>([...SESSION_META, ...REGISTRATION_META]);
