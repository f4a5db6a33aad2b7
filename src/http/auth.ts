// The optional bearer token. Given as `Authorization: Bearer <token>`, or as
// the `access_token` query parameter (RFC 6750 §2.3) for the page's own
// requests: a browser's EventSource cannot set headers.

import type { MiddlewareHandler } from 'hono';
import { TOKEN_PARAMETER } from './agent-query.ts';

export function bearerToken(token: string): MiddlewareHandler {
  if (token === '') throw new RangeError('The API token must not be empty');
  return async (c, next) => {
    const header = c.req.header('authorization');
    const given = header !== undefined ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null : c.req.query(TOKEN_PARAMETER) ?? null;
    if (given === null) {
      const error = header !== undefined ? 'Malformed Authorization header (expected "Bearer <token>")' : 'Missing bearer token';
      return unauthorized(c.json({ error }, 401));
    }
    if (!sameText(given, token)) return unauthorized(c.json({ error: 'Invalid bearer token' }, 401));
    await next();
  };
}

function unauthorized(response: Response): Response {
  response.headers.set('WWW-Authenticate', 'Bearer realm="ocs-registry"');
  return response;
}

/** Compare in time independent of where the strings first differ. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % (a.length || 1)) || 0) ^ b.charCodeAt(i);
  return diff === 0;
}
