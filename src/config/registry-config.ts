// The registry's resolved configuration: the command line, merged with the
// site config the way a Python OCS agent merges them. Frozen.

export interface HttpApiOptions {
  /** Port of the HTTP API; null when it is off (the default). */
  readonly port: number | null;
  readonly host: string;
  /** Bearer token for /api, /metrics and the page; null: open. */
  readonly token: string | null;
  /** Origins CORS allows ('*' for any); empty: no CORS headers. */
  readonly corsOrigins: readonly string[];
}

export interface SimOptions {
  /** Run against the embedded in-process simulator instead of a router. */
  readonly enabled: boolean;
  /** Fake agents the simulator starts. */
  readonly agents: number;
}

import type { LivenessOptions } from './liveness-options.ts';

export interface RegistryConfig {
  /** WAMP router WebSocket URL; null only in simulator mode when none is configured. */
  readonly hub: string | null;
  /** The router's HTTP bridge (`/call`) URL, if configured. */
  readonly http: string | null;
  readonly realm: string;
  readonly addressRoot: string;
  readonly instanceId: string;
  /** `${addressRoot}.${instanceId}`. */
  readonly address: string;
  /** Seconds between full republishes to agent_operations. */
  readonly waitTime: number;
  /** Seconds without a heartbeat before an agent expires. */
  readonly agentTimeout: number;
  readonly maxAgents: number;
  /** WAMP serializers offered to the router, in order (json, msgpack, cbor, each also .batched). */
  readonly serializers: readonly string[];
  /** The router's message size limit in bytes (crossbar's max_message_size); 0: none. */
  readonly maxMessageSize: number;
  /** Per-class timeouts, suspect and flapping rules, site re-read. */
  readonly liveness: LivenessOptions;
  /** Seconds to keep reconnecting before exiting; 0 = forever. */
  readonly crossbarTimeout: number;
  /** As configured; a relative one is resolved against workingDir by the caller. */
  readonly logDir: string | null;
  readonly workingDir: string | null;
  /** Where the table is kept across restarts; null: nowhere (`--state-file none`, or no log directory). */
  readonly stateFile: string | null;
  /** Run as one of several registries at this address (hot standby). */
  readonly standby: boolean;
  /** `none`, `override:pw2,pw3` or `director:<id>`, as given. */
  readonly accessPolicy: string | null;
  readonly httpApi: HttpApiOptions;
  readonly sim: SimOptions;
  /** The site config file read, or null with `--site none`. */
  readonly siteFile: string | null;
  /** The host block used ("localhost" or a host name), or null. */
  readonly siteHost: string | null;
  /** Things worth logging at start-up, e.g. a deprecated option. */
  readonly warnings: readonly string[];
}

export const DEFAULTS = {
  waitTime: 30,
  agentTimeout: 5,
  maxAgents: 100_000,
  serializers: Object.freeze(['json.batched', 'json']) as readonly string[],
  /** crossbar's DEFAULT_MAX_MESSAGE_SIZE (2**24). */
  maxMessageSize: 16_777_216,
  crossbarTimeout: 10,
  httpHost: '127.0.0.1',
  simAgents: 200,
} as const;

/** Used with `--sim --site none`, so the simulator runs with no site config. */
export const SIM_DEFAULTS = {
  realm: 'test_realm',
  addressRoot: 'observatory',
  instanceId: 'registry',
} as const;
