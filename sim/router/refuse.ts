// crossbar's answer to a request its role may not make: wamp.error.not_authorized
// with crossbar's text, counted. (A publish is refused differently: see broker.ts.)

import { WampErrors } from '../../src/wamp/session.ts';
import type { RouterCore } from './core.ts';
import type { RouterSession } from './router-session.ts';

const WHAT = { subscribe: 'subscribe to topic', register: 'register procedure', call: 'call procedure' } as const;

/** True (and the error sent) when the authorize hook refuses `action` on `uri`. */
export function refused(
  core: RouterCore,
  session: RouterSession,
  action: keyof typeof WHAT,
  uri: string,
  requestType: number,
  request: number,
): boolean {
  const authorize = core.authorize;
  if (authorize === undefined || authorize(session, action, uri)) return false;
  core.stats.notAuthorized++;
  session.sendError(requestType, request, WampErrors.notAuthorized, [
    `session (session_id=${session.id}, authid="${session.authid}", authrole="${session.authrole}") is not authorized to ${
      WHAT[action]
    } "${uri}" on realm "${session.realm}"`,
  ]);
  return true;
}
