// Every option the registry accepts: the Python registry's (argparse, from
// ocs/site_config.py add_arguments and the agent's make_parser) plus ours.
// The table drives parsing, abbreviation, validation and the help text.

export type OptionKind = 'string' | 'float' | 'int' | 'flag' | 'help' | 'version';

export interface OptionSpec {
  /** The long form, e.g. "--wait-time". */
  readonly flag: string;
  readonly kind: OptionKind;
  /** Smallest accepted value for numbers (inclusive). */
  readonly min?: number;
  /** Largest accepted value for numbers (inclusive). */
  readonly max?: number;
  /** Placeholder shown in the help text. */
  readonly metavar?: string;
  readonly group: 'registry' | 'site' | 'extra';
  readonly help: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  { flag: '--help', kind: 'help', group: 'registry', help: 'Show this help and exit.' },

  // Registry agent option (ocs/agents/registry/agent.py make_parser).
  {
    flag: '--wait-time',
    kind: 'float',
    min: 0,
    metavar: 'SECONDS',
    group: 'registry',
    help: "Period of the full republish of every agent's op codes to the agent_operations feed (default 30). Not a main-loop sleep.",
  },

  // Site-config options (ocs/site_config.py add_arguments), same names and types.
  {
    flag: '--site',
    kind: 'string',
    metavar: 'NAME',
    group: 'site',
    help: 'Load $OCS_CONFIG_DIR/NAME.yaml (default "default"); "none" uses no site config file.',
  },
  { flag: '--site-file', kind: 'string', metavar: 'PATH', group: 'site', help: 'Load this site config file instead of $OCS_CONFIG_DIR/NAME.yaml.' },
  {
    flag: '--site-host',
    kind: 'string',
    metavar: 'HOST',
    group: 'site',
    help: 'Use this host block of the site config instead of the machine\'s host name (then "localhost").',
  },
  {
    flag: '--site-hub',
    kind: 'string',
    metavar: 'URL',
    group: 'site',
    help: 'WAMP router WebSocket URL (overrides wamp_server), e.g. ws://127.0.0.1:8001/ws.',
  },
  {
    flag: '--site-http',
    kind: 'string',
    metavar: 'URL',
    group: 'site',
    help: 'WAMP router HTTP bridge URL (overrides wamp_http), e.g. http://127.0.0.1:8001/call.',
  },
  { flag: '--site-realm', kind: 'string', metavar: 'REALM', group: 'site', help: 'WAMP realm (overrides wamp_realm).' },
  {
    flag: '--instance-id',
    kind: 'string',
    metavar: 'ID',
    group: 'site',
    help: 'Agent instance id; default: the only RegistryAgent instance on the host in the site config.',
  },
  { flag: '--address-root', kind: 'string', metavar: 'ROOT', group: 'site', help: "Address root (overrides address_root); the registry's address is ROOT.ID." },
  { flag: '--registry-address', kind: 'string', metavar: 'ADDRESS', group: 'site', help: 'Deprecated; accepted and ignored.' },
  { flag: '--log-dir', kind: 'string', metavar: 'DIR', group: 'site', help: "Directory for the log file (overrides the host's log-dir)." },
  { flag: '--working-dir', kind: 'string', metavar: 'DIR', group: 'site', help: 'Directory against which a relative --log-dir is resolved.' },
  {
    flag: '--crossbar-timeout',
    kind: 'int',
    min: 0,
    metavar: 'SECONDS',
    group: 'site',
    help: 'Seconds to keep trying to reconnect to the router before exiting; 0 waits forever (default: host crossbar_timeout, else 10).',
  },
  {
    flag: '--access-policy',
    kind: 'string',
    metavar: 'POLICY',
    group: 'site',
    help: 'Access policy: none, override:PW2,PW3 or director:ID (overrides hub access_policy).',
  },

  // Options of this implementation only.
  {
    flag: '--agent-timeout',
    kind: 'float',
    min: 0,
    metavar: 'SECONDS',
    group: 'extra',
    help: 'Seconds without a heartbeat before an agent is marked expired (default 5).',
  },
  {
    flag: '--agent-timeout-class',
    kind: 'string',
    metavar: 'CLASS=SECONDS,...',
    group: 'extra',
    help: 'Timeouts of agent classes that beat slowly or in bursts, e.g. AggregatorAgent=30 (others: --agent-timeout). Exact in main.status().',
  },
  {
    flag: '--suspect-after',
    kind: 'float',
    min: 0,
    metavar: 'INTERVALS',
    group: 'extra',
    help: 'An agent is suspect (API, events, metrics, page; not session.data) once its heartbeat is late by this many of its own intervals (default 2).',
  },
  {
    flag: '--flap-limit',
    kind: 'int',
    min: 1,
    metavar: 'N',
    group: 'extra',
    help: 'More than N revivals or restarts within --flap-window is flapping (default 3).',
  },
  { flag: '--flap-window', kind: 'float', min: 1, metavar: 'SECONDS', group: 'extra', help: 'The window of --flap-limit (default 600).' },
  {
    flag: '--forget-after',
    kind: 'float',
    min: 0,
    metavar: 'SECONDS',
    group: 'extra',
    help: 'Forget an agent expired for more than this many seconds of listening time: gone from main.status(), the API, metrics and ' +
      'the state file; its next heartbeat joins it as new. 0: never, as Python (default).',
  },
  {
    flag: '--site-reread',
    kind: 'float',
    min: 0,
    metavar: 'SECONDS',
    group: 'extra',
    help: "Re-read the site config's agent-instances (expected agents) this often; 0: only on SIGHUP (default 60).",
  },
  {
    flag: '--serializer',
    kind: 'string',
    metavar: 'LIST',
    group: 'extra',
    help: 'WAMP serializers to offer the router, in order: json, msgpack, cbor, each also .batched (default json.batched,json: ' +
      'what the router sends in one go arrives as one message). msgpack or cbor cost crossbar less CPU per heartbeat than JSON.',
  },
  {
    flag: '--max-agents',
    kind: 'int',
    min: 1,
    metavar: 'N',
    group: 'extra',
    help:
      'Most agents tracked at once (default 100000). When full, the agent expired longest is forgotten to make room; a new agent is refused only when all are alive.',
  },
  {
    flag: '--max-message-size',
    kind: 'int',
    min: 0,
    metavar: 'BYTES',
    group: 'extra',
    help: "The router's WebSocket max_message_size (default 16777216, crossbar's; 0: none). A call result over it is answered with " +
      'wamp.error.payload_size_exceeded instead of being sent (crossbar would cut the registry off).',
  },
  {
    flag: '--http-port',
    kind: 'int',
    min: 0,
    max: 65535,
    metavar: 'PORT',
    group: 'extra',
    help: 'Serve the HTTP API on this port (default: off; 0 picks a free port).',
  },
  { flag: '--http-host', kind: 'string', metavar: 'HOST', group: 'extra', help: 'Interface for the HTTP API (default 127.0.0.1).' },
  {
    flag: '--http-token',
    kind: 'string',
    metavar: 'TOKEN',
    group: 'extra',
    help: 'Bearer token required by /api, /metrics and the page (or set OCS_REGISTRY_HTTP_TOKEN; default: none).',
  },
  { flag: '--http-cors', kind: 'string', metavar: 'ORIGINS', group: 'extra', help: 'Comma-separated origins allowed by CORS, or * (default: none).' },
  {
    flag: '--state-file',
    kind: 'string',
    metavar: 'PATH',
    group: 'extra',
    help: 'Keep the table in this file across restarts (default: ADDRESS.state.json in the log directory, if there is one); "none" keeps nothing.',
  },
  {
    flag: '--standby',
    kind: 'flag',
    group: 'extra',
    help: 'Hot standby: several registries may run at this address; one leads, the others track every heartbeat and take over when it goes.',
  },
  { flag: '--sim', kind: 'flag', group: 'extra', help: 'Run against the embedded in-process crossbar simulator instead of a router.' },
  { flag: '--version', kind: 'version', group: 'extra', help: "Print the program's version and exit." },
  { flag: '--sim-agents', kind: 'int', min: 0, metavar: 'N', group: 'extra', help: 'Number of fake agents the simulator starts with --sim (default 200).' },
];

/** Short aliases; argparse gives --help its "-h". */
export const SHORT_ALIASES: Readonly<Record<string, string>> = { '-h': '--help' };

const BY_FLAG = new Map(OPTIONS.map((o) => [o.flag, o]));

export function optionFor(flag: string): OptionSpec | undefined {
  return BY_FLAG.get(flag);
}
