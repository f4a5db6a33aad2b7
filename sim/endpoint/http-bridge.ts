// crossbar's HTTP bridge: `caller` (POST /call) and `publisher` (POST
// /publish) paths, each performing the request as one WAMP session held open
// by the endpoint, with the path's role. Request checks, status codes and
// body shapes follow crossbar (docs/ocs-protocol.md §5.1, §5.2): WAMP errors are 200
// with {error, args, kwargs}; malformed requests are 400 with the same shape.

import { CallResult, type Kwargs, WampError, type WampSession } from '../../src/wamp/session.ts';

export interface BridgeStats {
  calls: number;
  publishes: number;
  /** 400/405 answers. */
  badRequests: number;
}

type Body = Record<string, unknown>;
type Process = (session: WampSession, body: Body) => Promise<Response>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A handler for a `caller` path. */
export function callerPath(session: WampSession, stats: BridgeStats): (request: Request) => Promise<Response> {
  return bridgePath(session, stats, async (wamp, body) => {
    if (!('procedure' in body)) return deny(stats, 400, "Request body was valid JSON, but not well formed (missing key 'procedure').");
    const procedure = body.procedure;
    if (typeof procedure !== 'string') return deny(stats, 400, "Request body was valid JSON, but not well formed ('procedure' must be a string).");
    const payload = payloadOf(body);
    if (typeof payload === 'string') return deny(stats, 400, payload);
    stats.calls++;
    try {
      return json(200, callResultBody(await wamp.call(procedure, payload.args, payload.kwargs)));
    } catch (error) {
      return failed(error);
    }
  });
}

/** A handler for a `publisher` path: an acknowledged publish, answered with its publication id. */
export function publisherPath(session: WampSession, stats: BridgeStats): (request: Request) => Promise<Response> {
  return bridgePath(session, stats, async (wamp, body) => {
    if (!('topic' in body)) return deny(stats, 400, "Request body was valid JSON, but not well formed (missing key 'topic').");
    const topic = body.topic;
    if (typeof topic !== 'string') return deny(stats, 400, "Request body was valid JSON, but not well formed ('topic' must be a string).");
    const payload = payloadOf(body);
    if (typeof payload === 'string') return deny(stats, 400, payload);
    const options = isDict(body.options) && typeof body.options.exclude_me === 'boolean' ? { exclude_me: body.options.exclude_me } : undefined;
    stats.publishes++;
    try {
      return json(200, { id: await wamp.publishAcknowledged(topic, payload.args, payload.kwargs, options) });
    } catch (error) {
      return failed(error);
    }
  });
}

/**
 * The shape autobahn-python's call() result takes through crossbar: one
 * plain value (including none) becomes {"args": [value]}; several values or
 * keyword results keep only the non-empty keys.
 */
export function callResultBody(result: CallResult): Record<string, unknown> {
  const hasKwargs = Object.keys(result.kwargs).length > 0;
  if (!hasKwargs && result.args.length <= 1) return { args: [result.args.length === 1 ? result.args[0] : null] };
  const body: Record<string, unknown> = {};
  if (result.args.length > 0) body.args = result.args;
  if (hasKwargs) body.kwargs = result.kwargs;
  return body;
}

function bridgePath(session: WampSession, stats: BridgeStats, process: Process): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 200, headers: { ...COMMON_HEADERS, allow: 'POST,PUT,OPTIONS', 'access-control-allow-methods': 'POST,PUT,OPTIONS' } });
    }
    if (request.method !== 'POST' && request.method !== 'PUT') {
      return deny(stats, 405, `Method not accepted by the REST bridge. (${request.method} not allowed, only POST, PUT)`);
    }
    // No Content-Type is fine (OCS's client sends none); any other than application/json is refused.
    const contentType = request.headers.get('content-type');
    if (contentType !== null) {
      const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
      if (type !== 'application/json') return deny(stats, 400, `Non-accepted content type. (must be one of 'application/json', not '${type}')`);
      const charset = params.find((p) => p.startsWith('charset='))?.slice(8);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return deny(stats, 400, 'Non-accepted request encoding, must be UTF-8.');
    }
    let text: string;
    try {
      text = utf8.decode(await request.arrayBuffer());
    } catch {
      return deny(stats, 400, 'Non-decodable request body, was not UTF-8.');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return deny(stats, 400, 'Request body was invalid JSON.');
    }
    if (!isDict(body)) return deny(stats, 400, 'Request body was valid JSON, but not well formed (must be a dict).');
    if (!session.isOpen) return json(500, { error: 'wamp.error.runtime_error', args: ['The bridge session to the router is closed.'], kwargs: {} });
    return process(session, body);
  };
}

/** args/kwargs as crossbar reads them (missing or empty -> []/{}), or the text of a 400. */
function payloadOf(body: Body): { args: unknown[]; kwargs: Kwargs } | string {
  const args = body.args === undefined || body.args === null ? [] : body.args;
  const kwargs = body.kwargs === undefined || body.kwargs === null ? {} : body.kwargs;
  if (!Array.isArray(args)) return "Request body was valid JSON, but not well formed ('args' must be a list).";
  if (!isDict(kwargs)) return "Request body was valid JSON, but not well formed ('kwargs' must be a dict).";
  return { args, kwargs };
}

function failed(error: unknown): Response {
  if (error instanceof WampError) return json(200, { error: error.error, args: error.args ?? [], kwargs: error.kwargs ?? {} });
  return json(500, { error: 'wamp.error.runtime_error', args: ['Sorry, Crossbar.io has encountered a problem.'], kwargs: {} });
}

function deny(stats: BridgeStats, status: number, text: string): Response {
  stats.badRequests++;
  return json(status, { error: text, args: [], kwargs: {} });
}

const COMMON_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'cache-control': 'no-store,no-cache,must-revalidate,max-age=0',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...COMMON_HEADERS, 'content-type': 'application/json; charset=UTF-8' } });
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
