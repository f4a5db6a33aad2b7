// The API described as OpenAPI 3.1, served at GET /openapi.json.

const error = { $ref: '#/components/responses/Error' };
const unauthorized = { $ref: '#/components/responses/Unauthorized' };
const secured = [{ bearer: [] }, { accessToken: [] }];
const text = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const query = (name: string, description: string, schema: object) => ({ name, in: 'query', required: false, description, schema });

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'OCS Registry HTTP API',
      version,
      description: 'Read-only view of the OCS Registry Agent: the agent table, live transitions, metrics and health.',
    },
    paths: {
      '/api/agents': {
        get: {
          summary: 'The agent table, filtered and paginated (join order).',
          security: secured,
          parameters: [
            query('state', 'Only alive or expired agents (as OCS sees them), or only suspect or flapping ones.', {
              type: 'string',
              enum: ['alive', 'expired', 'suspect', 'flapping'],
            }),
            query('class', 'Only agents of this agent class.', { type: 'string' }),
            query('prefix', 'Only addresses starting with this.', { type: 'string' }),
            query('op', 'Only agents with an operation of this name (with `code`: that operation has that code).', { type: 'string' }),
            query('code', 'Only agents with an operation in this OpCode: 1-8 or a name (running, failed, ...).', { type: 'string' }),
            query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 100000, default: 1000 }),
            query('offset', 'Matching agents to skip.', { type: 'integer', minimum: 0, default: 0 }),
          ],
          responses: { 200: json({ $ref: '#/components/schemas/AgentPage' }, 'One page of agents.'), 400: error, 401: unauthorized },
        },
      },
      '/api/agents/{address}': {
        get: {
          summary: 'One agent, with its operations and recent transitions.',
          security: secured,
          parameters: [{ name: 'address', in: 'path', required: true, schema: { type: 'string' }, example: 'observatory.fake-data1' }],
          responses: { 200: json({ $ref: '#/components/schemas/AgentDetail' }, 'The agent.'), 401: unauthorized, 404: error },
        },
      },
      '/api/events': {
        get: {
          summary: 'Server-sent events: joined, restarted, revived, ops-changed, expired, suspect, suspect-cleared, flapping, ' +
            'flapping-cleared, forgotten, rejected (and resync).',
          description: '`forgotten`: an agent expired for more than --forget-after seconds (`reason` forget-after), or the one expired ' +
            'longest when a new agent joined a full table (`reason` table-full), is gone from the table, the API and session.data. ' +
            "A flapping agent's events are damped to one per 30 s (`damped`: how many were held back; its history keeps " +
            'them all). Each event has an id; reconnecting with `Last-Event-ID` (or `last_event_id`) resumes after it while it is ' +
            'still buffered, otherwise a `resync` event says to reload /api/agents. A client that falls further behind than the ' +
            'buffer is disconnected.',
          security: secured,
          parameters: [
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
            query('last_event_id', 'As the header; the header wins. Use the `last_event_id` of an /api/agents page.', { type: 'string' }),
          ],
          responses: { 200: text('text/event-stream', 'The event stream.'), 400: error, 401: unauthorized, 503: error },
        },
      },
      '/api/status': {
        get: {
          summary: "The registry's own state: readiness, counts, counters, event stream.",
          security: secured,
          responses: { 200: json({ type: 'object' }, 'Registry status.'), 401: unauthorized },
        },
      },
      '/api/expected': {
        get: {
          summary: "Expected versus observed: the site config's agents (manage as HostManager reads it), missing and unexpected.",
          description: 'missing: expected up (host/up, docker/up, or a HostManager), never heard; unexpected: heard, named by no ' +
            'host. With no site config (--site none) nothing is expected. Re-read every --site-reread seconds and on SIGHUP.',
          security: secured,
          responses: { 200: json({ type: 'object' }, 'Expected, missing and unexpected agents.'), 401: unauthorized },
        },
      },
      '/api/registry': {
        get: {
          summary: 'This registry among those at its address (hot standby): role (single, leader, candidate, standby), since, takeovers.',
          security: secured,
          responses: { 200: json({ type: 'object' }, 'Leadership.'), 401: unauthorized },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text format 0.0.4).',
          security: secured,
          responses: { 200: text('text/plain', 'Metrics.'), 401: unauthorized },
        },
      },
      '/healthz': {
        get: {
          summary: 'The process is alive (200), with connected, subscribed, stale_since (null while it hears heartbeats) and event_loop_lag.',
          responses: { 200: json({ type: 'object' }, 'Alive.') },
        },
      },
      '/readyz': {
        get: {
          summary: 'Joined to the router and subscribed to heartbeats.',
          responses: { 200: json({ type: 'object' }, 'Ready.'), 503: json({ type: 'object' }, 'Not ready.') },
        },
      },
      '/': { get: { summary: 'The live operation-monitor page.', security: secured, responses: { 200: text('text/html', 'The page.') } } },
      '/openapi.json': { get: { summary: 'This document.', responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1.') } } },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        accessToken: { type: 'apiKey', in: 'query', name: 'access_token' },
      },
      responses: {
        Error: json({ $ref: '#/components/schemas/Error' }, 'The request cannot be served; `error` says why.'),
        Unauthorized: json({ $ref: '#/components/schemas/Error' }, 'A bearer token is required and was missing or wrong.'),
      },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        Agent: {
          type: 'object',
          description: 'The first six keys are the Python registry entry; the rest are added here.',
          properties: {
            expired: { type: 'boolean' },
            time_expired: { type: ['number', 'null'] },
            last_updated: { type: 'number' },
            op_codes: { type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 8 } },
            agent_class: { type: ['string', 'null'] },
            agent_address: { type: 'string' },
            state: { type: 'string', enum: ['alive', 'expired'] },
            session_id: { type: ['string', 'null'] },
            restarts: { type: 'integer' },
            first_seen: { type: 'number' },
            last_transition: { type: 'number' },
            heartbeats: {
              type: 'object',
              properties: {
                count: { type: 'integer' },
                last_interval: { type: ['number', 'null'], description: 'Seconds between the last two heartbeats.' },
                mean_interval: { type: ['number', 'null'], description: 'Smoothed mean seconds between heartbeats (about the last ten).' },
                jitter: { type: ['number', 'null'], description: 'Smoothed mean deviation from that mean, in seconds.' },
                age: { type: 'number', description: 'Seconds since the last heartbeat (one agent only; in a list, `time` - `last_updated`).' },
              },
            },
            collides_with: { type: ['string', 'null'], description: 'Address owning the same agent_operations fields.' },
            timeout: { type: 'number', description: "Its timeout: its class's (--agent-timeout-class), else --agent-timeout." },
            suspect: {
              type: ['object', 'null'],
              description: 'Late by more than --suspect-after of its own intervals (late), or its WAMP session left (left). Not in session.data.',
              properties: { reason: { type: 'string', enum: ['late', 'left'] }, since: { type: 'number' } },
            },
            flapping: {
              type: ['object', 'null'],
              description: 'Revived or restarted more than --flap-limit times in --flap-window.',
              properties: { reason: { type: 'string' } },
            },
            stale_since: { type: 'number', description: 'Present while the registry does not hear heartbeats: since when this row may be out of date.' },
          },
        },
        AgentPage: {
          type: 'object',
          properties: {
            total: { type: 'integer', description: 'Agents matching the filters.' },
            offset: { type: 'integer' },
            limit: { type: 'integer' },
            count: { type: 'integer' },
            next_offset: { type: ['integer', 'null'] },
            last_event_id: { type: 'string', description: 'Resume /api/events from here to follow this snapshot.' },
            time: { type: 'number', description: "The registry's clock (Unix seconds) when the page was made: an agent's age is time - last_updated." },
            stale_since: {
              type: ['number', 'null'],
              description: 'Since when the registry has not heard heartbeats (every row then carries it); null while it does.',
            },
            agents: { type: 'array', items: { $ref: '#/components/schemas/Agent' } },
          },
        },
        AgentDetail: {
          allOf: [{ $ref: '#/components/schemas/Agent' }, {
            type: 'object',
            properties: {
              ops: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    code: { type: 'integer' },
                    code_name: { type: 'string' },
                    field: { type: ['string', 'null'], description: 'Its agent_operations field, null if withheld.' },
                    in_code_since: { type: 'number', description: 'Since when it has had this code (from the history kept; at least since then).' },
                  },
                },
              },
              history: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: ['string', 'null'], description: 'Its event id; null when the stream damped it (a flapping agent).' },
                    type: { type: 'string' },
                    at: { type: 'number' },
                    op_codes: { type: 'object' },
                  },
                },
              },
            },
          }],
        },
      },
    },
  };
}
