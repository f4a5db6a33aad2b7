// The query of GET /api/agents: filters and pagination, checked strictly so
// that a typo is a 400 naming the problem rather than a silently wrong list.

import { OP_CODE_NAMES, type ReadonlyAgent } from '../core/index.ts';
import { BadRequest, quoted } from './bad-request.ts';

export interface AgentQuery {
  state: AgentStateFilter | null;
  agentClass: string | null;
  prefix: string | null;
  op: string | null;
  code: number | null;
  limit: number;
  offset: number;
}

/** alive and expired as OCS sees it; suspect and flapping are live agents so marked. */
export const STATE_FILTERS = ['alive', 'expired', 'suspect', 'flapping'] as const;
export type AgentStateFilter = (typeof STATE_FILTERS)[number];

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 100_000;
const PARAMETERS = ['state', 'class', 'prefix', 'op', 'code', 'limit', 'offset'];
/** Accepted everywhere: the page passes its token this way (EventSource cannot set headers). */
export const TOKEN_PARAMETER = 'access_token';

const CODES_BY_NAME = new Map(Object.entries(OP_CODE_NAMES).map(([code, name]) => [name.toLowerCase(), Number(code)]));

export function parseAgentQuery(url: URL): AgentQuery {
  const params = singleValues(url, PARAMETERS);
  const state = (params.get('state') ?? null) as AgentStateFilter | null;
  if (state !== null && !STATE_FILTERS.includes(state)) {
    throw new BadRequest(`Invalid value for "state": ${quoted(state)} (expected ${STATE_FILTERS.join(', ')})`);
  }
  return {
    state,
    agentClass: nonEmpty(params, 'class'),
    prefix: nonEmpty(params, 'prefix'),
    op: nonEmpty(params, 'op'),
    code: opCode(params.get('code')),
    limit: integer(params, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: integer(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Does `agent` pass the query's filters? (Pagination is applied by the caller.) */
export function matches(agent: ReadonlyAgent, q: AgentQuery): boolean {
  if (q.state !== null && !inState(agent, q.state)) return false;
  if (q.agentClass !== null && agent.agent_class !== q.agentClass) return false;
  if (q.prefix !== null && !agent.agent_address.startsWith(q.prefix)) return false;
  if (q.op === null && q.code === null) return true;
  const names = agent.opNames;
  for (let i = 0; i < names.length; i++) {
    if ((q.op === null || names[i] === q.op) && (q.code === null || agent.codeAt(i) === q.code)) return true;
  }
  return false;
}

function inState(agent: ReadonlyAgent, state: AgentStateFilter): boolean {
  if (state === 'suspect') return agent.suspect !== null;
  if (state === 'flapping') return agent.flapping;
  return agent.expired === (state === 'expired');
}

/** The query's parameters, refusing unknown and repeated ones. */
export function singleValues(url: URL, known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (key === TOKEN_PARAMETER) continue;
    if (!known.includes(key)) {
      const expected = known.length ? `expected ${known.join(', ')}` : 'this endpoint takes none';
      throw new BadRequest(`Unknown query parameter ${quoted(key)} (${expected})`);
    }
    if (out.has(key)) throw new BadRequest(`Query parameter "${key}" is given more than once`);
    out.set(key, value);
  }
  return out;
}

function nonEmpty(params: Map<string, string>, key: string): string | null {
  const value = params.get(key);
  if (value === undefined) return null;
  if (value === '') throw new BadRequest(`Invalid value for "${key}": "" (expected a non-empty string)`);
  return value;
}

function integer(params: Map<string, string>, key: string, fallback: number, min: number, max: number): number {
  const text = params.get(key);
  if (text === undefined) return fallback;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new BadRequest(`Invalid value for "${key}": ${quoted(text)} (expected an integer from ${min} to ${max})`);
  }
  return value;
}

/** An op code as a number 1..8 or a name (running, failed, ...). */
function opCode(text: string | undefined): number | null {
  if (text === undefined) return null;
  const code = /^[1-8]$/.test(text) ? Number(text) : CODES_BY_NAME.get(text.toLowerCase());
  if (code === undefined) {
    throw new BadRequest(`Invalid value for "code": ${quoted(text)} (expected 1 to 8 or an op code name such as running or failed)`);
  }
  return code;
}
