// crossbar role permissions as the Router's authorize hook. For one URI the
// most specific permission decides, as in crossbar: an exact match first,
// then the longest matching prefix, then a matching wildcard pattern. A role
// with no matching permission (or an unknown role) may do nothing.

import type { AuthorizeHook, RouterAction } from '../router/index.ts';
import { uriMatches } from '../../src/wamp/uri-match.ts';
import type { Permission, RealmConfig } from './crossbar-config.ts';

/** The permission that applies to `uri`, or undefined. */
export function permissionFor(permissions: readonly Permission[], uri: string): Permission | undefined {
  let best: Permission | undefined;
  for (const p of permissions) {
    if (p.match === 'exact' && p.uri === uri) return p;
    if (p.match === 'prefix' && uri.startsWith(p.uri) && (best?.match !== 'prefix' || p.uri.length > best.uri.length)) best = p;
    if (p.match === 'wildcard' && best === undefined && uriMatches(p.uri, 'wildcard', uri)) best = p;
  }
  return best;
}

/** An authorize hook for these realms. Realms not configured allow nothing. */
export function authorizeByRoles(realms: readonly RealmConfig[]): AuthorizeHook {
  const byRealm = new Map(realms.map((realm) => [realm.name, realm.roles]));
  // Role lists are a handful of entries (OCS: one prefix), so a scan per request is cheap.
  return (session, action: RouterAction, uri) => {
    const permissions = byRealm.get(session.realm)?.get(session.authrole);
    return permissions !== undefined && permissionFor(permissions, uri)?.allow[action] === true;
  };
}
