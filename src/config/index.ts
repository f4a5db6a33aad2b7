// Public surface of src/config: the command line and the OCS site config.

export { loadRegistryConfig } from './load.ts';
export type { ConfigDeps } from './load.ts';
export type { HttpApiOptions, RegistryConfig, SimOptions } from './registry-config.ts';
export { DEFAULTS, SIM_DEFAULTS } from './registry-config.ts';
export { HelpRequested, UsageError } from './errors.ts';
export { helpText } from './help.ts';
export { parseArgv, wantsHelp, wantsVersion } from './argv.ts';
export type { ArgValue, ArgValues } from './argv.ts';
export { OPTIONS } from './options.ts';
export { LIVENESS_DEFAULTS, type LivenessOptions, parseClassTimeouts } from './liveness-options.ts';
export type { OptionKind, OptionSpec } from './options.ts';
