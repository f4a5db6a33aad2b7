// The part of a crossbar `config.json` the simulator understands: router
// workers' realms with role permissions, and their web transports' port and
// paths. Unknown keys are ignored (crossbar has many); a config that cannot
// work is refused with a clear message naming the offending place.

import { UsageError } from '../../src/config/errors.ts';
import type { RouterAction } from '../router/index.ts';

export type PermissionMatch = 'exact' | 'prefix' | 'wildcard';

export interface Permission {
  uri: string;
  match: PermissionMatch;
  allow: Readonly<Record<RouterAction, boolean>>;
}

export interface RealmConfig {
  name: string;
  /** Role name -> its permissions. A role not listed may do nothing. */
  roles: Map<string, Permission[]>;
}

export type PathConfig =
  | { type: 'websocket'; path: string; role: string; maxMessageBytes?: number }
  | { type: 'caller' | 'publisher'; path: string; realm: string; role: string }
  | { type: 'nodeinfo'; path: string };

export interface TransportConfig {
  port: number;
  /** `endpoint.interface` as written; the simulator binds loopback unless told otherwise. */
  interface?: string;
  paths: PathConfig[];
}

export interface CrossbarConfig {
  realms: RealmConfig[];
  transports: TransportConfig[];
}

const ACTIONS: readonly RouterAction[] = ['call', 'register', 'publish', 'subscribe'];

/** Parse the text of a crossbar config.json. */
export function parseCrossbarConfig(text: string): CrossbarConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The crossbar config is not valid JSON: ${(error as Error).message}`);
  }
  const workers = arrayAt(raw, 'workers', 'config');
  const config: CrossbarConfig = { realms: [], transports: [] };
  workers.forEach((worker, w) => {
    if (!isObject(worker) || worker.type !== 'router') return; // containers, guests: not ours
    const where = `workers[${w}]`;
    if (worker.realms !== undefined) arrayAt(worker, 'realms', where).forEach((realm, r) => config.realms.push(parseRealm(realm, `${where}.realms[${r}]`)));
    if (worker.transports !== undefined) {
      arrayAt(worker, 'transports', where).forEach((transport, t) => {
        const parsed = parseTransport(transport, `${where}.transports[${t}]`);
        if (parsed) config.transports.push(parsed);
      });
    }
  });
  return config;
}

function parseRealm(realm: unknown, where: string): RealmConfig {
  const name = stringAt(realm, 'name', where);
  const roles = new Map<string, Permission[]>();
  const list = isObject(realm) && realm.roles !== undefined ? arrayAt(realm, 'roles', where) : [];
  list.forEach((role, i) => {
    const at = `${where}.roles[${i}]`;
    const roleName = stringAt(role, 'name', at);
    const permissions = isObject(role) && role.permissions !== undefined ? arrayAt(role, 'permissions', at) : [];
    roles.set(roleName, permissions.map((p, j) => parsePermission(p, `${at}.permissions[${j}]`)));
  });
  return { name, roles };
}

function parsePermission(permission: unknown, where: string): Permission {
  const uri = stringAt(permission, 'uri', where);
  const given = (permission as Record<string, unknown>).match;
  // Old crossbar configs wrote a prefix as a trailing '*'.
  let match: PermissionMatch = uri.endsWith('*') ? 'prefix' : 'exact';
  if (given !== undefined) {
    if (given !== 'exact' && given !== 'prefix' && given !== 'wildcard') {
      throw new UsageError(`${where}.match must be "exact", "prefix" or "wildcard", not ${JSON.stringify(given)}.`);
    }
    match = given;
  }
  const allowRaw = (permission as Record<string, unknown>).allow;
  const allow = {} as Record<RouterAction, boolean>;
  for (const action of ACTIONS) allow[action] = isObject(allowRaw) && allowRaw[action] === true;
  return { uri: uri.endsWith('*') && given === undefined ? uri.slice(0, -1) : uri, match, allow };
}

function parseTransport(transport: unknown, where: string): TransportConfig | null {
  if (!isObject(transport)) throw new UsageError(`${where} must be an object.`);
  if (transport.type !== 'web' && transport.type !== 'websocket') return null; // rawsocket etc.: not simulated
  const endpoint = transport.endpoint;
  if (!isObject(endpoint) || typeof endpoint.port !== 'number' || !Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 65535) {
    throw new UsageError(`${where}.endpoint.port must be a port number (0-65535).`);
  }
  const result: TransportConfig = { port: endpoint.port, paths: [] };
  if (typeof endpoint.interface === 'string') result.interface = endpoint.interface;
  if (transport.type === 'websocket') {
    // A plain websocket transport serves WAMP at '/'.
    result.paths.push({ type: 'websocket', path: '/', role: anonymousRole(transport, where), ...messageLimit(transport, where) });
    return result;
  }
  const paths = transport.paths;
  if (!isObject(paths)) throw new UsageError(`${where}.paths must be an object.`);
  for (const [name, spec] of Object.entries(paths)) {
    const at = `${where}.paths.${name}`;
    const path = name === '/' ? '/' : `/${name}`;
    if (!isObject(spec)) throw new UsageError(`${at} must be an object.`);
    if (spec.type === 'websocket') result.paths.push({ type: 'websocket', path, role: anonymousRole(spec, at), ...messageLimit(spec, at) });
    else if (spec.type === 'caller' || spec.type === 'publisher') {
      result.paths.push({ type: spec.type, path, realm: stringAt(spec, 'realm', at), role: stringAt(spec, 'role', at) });
    } else if (spec.type === 'nodeinfo') result.paths.push({ type: 'nodeinfo', path });
    // static, wsgi, resource, ...: not simulated
  }
  return result;
}

/** `options.max_message_size` of a WebSocket path, checked as crossbar does (an int in [0, 64 MB], 0 = unlimited). */
function messageLimit(spec: Record<string, unknown>, where: string): { maxMessageBytes?: number } {
  const options = spec.options;
  if (!isObject(options) || options.max_message_size === undefined) return {};
  const size = options.max_message_size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 64 * 1024 * 1024) {
    throw new UsageError(`${where}.options.max_message_size must be an integer from 0 to 64 MB (0 = unlimited).`);
  }
  return { maxMessageBytes: size };
}

/** The role anonymous clients get on a WebSocket path (crossbar: auth.anonymous.role; no auth section means 'anonymous'). */
function anonymousRole(spec: Record<string, unknown>, where: string): string {
  const auth = spec.auth;
  if (auth === undefined) return 'anonymous';
  if (!isObject(auth) || !isObject(auth.anonymous)) {
    throw new UsageError(`${where}.auth: only anonymous authentication is simulated.`);
  }
  return typeof auth.anonymous.role === 'string' ? auth.anonymous.role : 'anonymous';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayAt(value: unknown, key: string, where: string): unknown[] {
  const found = isObject(value) ? value[key] : undefined;
  if (!Array.isArray(found)) throw new UsageError(`${where}.${key} must be a list.`);
  return found;
}

function stringAt(value: unknown, key: string, where: string): string {
  const found = isObject(value) ? value[key] : undefined;
  if (typeof found !== 'string' || found === '') throw new UsageError(`${where}.${key} must be a non-empty string.`);
  return found;
}
