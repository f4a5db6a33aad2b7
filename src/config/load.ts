// loadRegistryConfig: the command line and the site config, merged as
// ocs/site_config.py parse_args does it. Precedence, first wins:
//   command line > environment (ocs-agent-cli variables) > the instance's
//   SCF `arguments` > the host block > the hub > defaults.
// Runtime-agnostic: the caller passes the host name and a file reader.

import { parseArgv, wantsHelp } from './argv.ts';
import type { ArgValue, ArgValues } from './argv.ts';
import { environmentArguments } from './env-args.ts';
import { HelpRequested, UsageError } from './errors.ts';
import { helpText } from './help.ts';
import { LIVENESS_DEFAULTS, parseClassTimeouts } from './liveness-options.ts';
import { DEFAULTS, SIM_DEFAULTS } from './registry-config.ts';
import type { RegistryConfig } from './registry-config.ts';
import { readSiteFile } from './site-file.ts';
import type { SiteHub } from './site-file.ts';
import { selectHost } from './site-host.ts';
import type { SiteHost, SiteInstance } from './site-host.ts';
import { selectInstance } from './site-instance.ts';
import { siteFilePath } from './site-path.ts';

export interface ConfigDeps {
  /** The machine's host name (`os.hostname()`); "" if unknown. */
  readonly hostname: string;
  /** Reads a whole text file; throws if it cannot. */
  readFile(path: string): string;
}

type Env = Readonly<Record<string, string | undefined>>;

const SERIALIZER_NAME = /^(wamp\.2\.)?(json|msgpack|cbor)(\.batched)?$/;

/** `--serializer json,cbor` -> ['json', 'cbor']; UsageError for a name no WAMP serializer has. */
function serializerList(text: string | null): readonly string[] {
  if (text === null) return DEFAULTS.serializers;
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const bad = names.find((name) => !SERIALIZER_NAME.test(name));
  if (names.length === 0 || bad !== undefined) {
    throw new UsageError(`--serializer: unknown serializer "${bad ?? text}"; use json, msgpack or cbor, each also .batched`);
  }
  return Object.freeze(names);
}

function str(args: ArgValues, flag: string): string | null {
  const v = args.get(flag);
  return typeof v === 'string' ? v : null;
}

function num(args: ArgValues, flag: string): number | null {
  const v = args.get(flag);
  return typeof v === 'number' ? v : null;
}

interface Site {
  readonly path: string;
  readonly hub: SiteHub;
  readonly host: SiteHost;
  readonly instance: SiteInstance;
}

function loadSite(commandLine: ArgValues, env: Env, deps: ConfigDeps): Site | null {
  const path = siteFilePath(str(commandLine, '--site'), str(commandLine, '--site-file'), env);
  if (path === null) return null;
  const file = readSiteFile(path, deps.readFile);
  const host = selectHost(file, str(commandLine, '--site-host') ?? (deps.hostname || 'localhost'));
  const instance = selectInstance(host, str(commandLine, '--instance-id'), path);
  return { path, hub: file.hub, host, instance };
}

function englishList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function loadRegistryConfig(argv: readonly string[], env: Env, deps: ConfigDeps): RegistryConfig {
  if (wantsHelp(argv)) throw new HelpRequested(helpText());
  const given = parseArgv(argv);
  const commandLine = new Map<string, ArgValue>([...environmentArguments(env, given), ...given]);
  const site = loadSite(commandLine, env, deps);
  const fromSite = site
    ? parseArgv(site.instance.arguments, ` (in the arguments of instance "${site.instance.instanceId}" in "${site.path}")`)
    : new Map<string, ArgValue>();
  const args: ArgValues = new Map([...fromSite, ...commandLine]);
  const sim = args.get('--sim') === true;
  const simFallback = sim && !site;

  const hub = str(args, '--site-hub') ?? site?.host.wampServer ?? site?.hub.wampServer ?? null;
  const realm = str(args, '--site-realm') ?? site?.host.wampRealm ?? site?.hub.wampRealm ??
    (simFallback ? SIM_DEFAULTS.realm : null);
  const addressRoot = str(args, '--address-root') ?? site?.hub.addressRoot ??
    (simFallback ? SIM_DEFAULTS.addressRoot : null);
  // With a site config the instance is always known; an --instance-id inside
  // its own arguments does not rename it (Python appends the matched id).
  const instanceId = str(commandLine, '--instance-id') ?? site?.instance.instanceId ??
    (simFallback ? SIM_DEFAULTS.instanceId : null);

  const missing: Array<readonly [flag: string, key: string]> = [];
  if (hub === null && !sim) missing.push(['--site-hub', 'hub.wamp_server']);
  if (realm === null) missing.push(['--site-realm', 'hub.wamp_realm']);
  if (addressRoot === null) missing.push(['--address-root', 'hub.address_root']);
  if (instanceId === null) missing.push(['--instance-id', '']);
  if (missing.length > 0 || realm === null || addressRoot === null || instanceId === null) {
    const flags = englishList(missing.map(([flag]) => flag));
    throw new UsageError(
      site ? `Missing ${englishList(missing.map(([, key]) => key))} in "${site.path}" (or pass ${flags})` : `Missing ${flags} (needed with --site none)`,
    );
  }

  const warnings: string[] = [];
  if (args.has('--registry-address')) warnings.push('The "--registry-address" option is deprecated and has no effect');

  const logDir = str(args, '--log-dir') ?? site?.host.logDir ?? null;
  const workingDir = str(args, '--working-dir');
  const address = `${addressRoot}.${instanceId}`;

  return Object.freeze({
    hub,
    http: str(args, '--site-http') ?? site?.host.wampHttp ?? site?.hub.wampHttp ?? null,
    realm,
    addressRoot,
    instanceId,
    address,
    waitTime: num(args, '--wait-time') ?? DEFAULTS.waitTime,
    agentTimeout: num(args, '--agent-timeout') ?? DEFAULTS.agentTimeout,
    maxAgents: num(args, '--max-agents') ?? DEFAULTS.maxAgents,
    serializers: serializerList(str(args, '--serializer')),
    maxMessageSize: num(args, '--max-message-size') ?? DEFAULTS.maxMessageSize,
    liveness: Object.freeze({
      classTimeouts: parseClassTimeouts(str(args, '--agent-timeout-class')),
      suspectAfter: num(args, '--suspect-after') ?? LIVENESS_DEFAULTS.suspectAfter,
      flapping: Object.freeze({
        limit: num(args, '--flap-limit') ?? LIVENESS_DEFAULTS.flapLimit,
        window: num(args, '--flap-window') ?? LIVENESS_DEFAULTS.flapWindow,
      }),
      siteRereadSeconds: num(args, '--site-reread') ?? LIVENESS_DEFAULTS.siteRereadSeconds,
      // 0, as absent: never forget (Python's behaviour).
      forgetAfter: (num(args, '--forget-after') ?? 0) || null,
    }),
    crossbarTimeout: num(args, '--crossbar-timeout') ?? site?.host.crossbarTimeout ?? DEFAULTS.crossbarTimeout,
    logDir,
    workingDir,
    stateFile: stateFilePath(str(args, '--state-file'), logDir, workingDir, address),
    standby: args.has('--standby'),
    accessPolicy: str(args, '--access-policy') ?? site?.hub.accessPolicy ?? null,
    httpApi: Object.freeze({
      port: num(args, '--http-port'),
      host: str(args, '--http-host') ?? DEFAULTS.httpHost,
      // A token is better kept out of `ps`: the environment works too.
      token: str(args, '--http-token') ?? env.OCS_REGISTRY_HTTP_TOKEN ?? null,
      corsOrigins: Object.freeze((str(args, '--http-cors') ?? '').split(',').map((o) => o.trim()).filter(Boolean)),
    }),
    sim: Object.freeze({ enabled: sim, agents: num(args, '--sim-agents') ?? DEFAULTS.simAgents }),
    siteFile: site?.path ?? null,
    siteHost: site?.host.name ?? null,
    warnings: Object.freeze(warnings),
  });
}

/** `--state-file`, or beside the log file (`{log_dir}/{address}.state.json`) when there is a log directory. */
function stateFilePath(given: string | null, logDir: string | null, workingDir: string | null, address: string): string | null {
  if (given !== null) return given === 'none' ? null : given;
  if (logDir === null) return null;
  const dir = workingDir !== null && !logDir.startsWith('/') ? `${workingDir.replace(/\/+$/, '')}/${logDir}` : logDir;
  return `${dir.replace(/\/+$/, '')}/${address}.state.json`;
}
