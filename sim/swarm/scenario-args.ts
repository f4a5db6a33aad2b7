// A Scenario from command-line flags and/or a JSON or YAML file. Flag names
// are the kebab-case of the Scenario keys (`--crash-per-min 3`); a file may
// use either spelling. Flags win over the file, the file over the defaults.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../src/config/errors.ts';
import { DEFAULT_SCENARIO, type Scenario, validateScenario } from './scenario.ts';
import type { FlagSpec } from '../cli/flags.ts';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--flag` -> Scenario key, for every key. */
export const SCENARIO_FLAGS: ReadonlyMap<string, keyof Scenario> = new Map(
  (Object.keys(DEFAULT_SCENARIO) as (keyof Scenario)[]).map((key) => [`--${kebab(key)}`, key]),
);

/** The scenario's flags for parseArgs (sim/cli/flags.ts): every one takes a value. */
export const SCENARIO_FLAG_SPECS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(
  (Object.keys(DEFAULT_SCENARIO) as (keyof Scenario)[]).map((key) => [kebab(key), { type: 'string' } as const]),
);

const KEYS_BY_ANY_SPELLING: ReadonlyMap<string, keyof Scenario> = new Map(
  (Object.keys(DEFAULT_SCENARIO) as (keyof Scenario)[]).flatMap((key) => [[key, key], [kebab(key), key]] as const),
);

/** One value as given (a flag's text, or a file's parsed value) -> the Scenario's type. */
function coerce(key: keyof Scenario, value: unknown): unknown {
  const text = typeof value === 'string' ? value.trim() : value;
  if (key === 'root' || key === 'name') return typeof text === 'string' ? text : String(text);
  if (key === 'ops' && text === 'realistic') return text;
  if (key === 'restartAfter' && (text === 'never' || text === null)) return null;
  if (typeof text === 'number') return text;
  if (typeof text === 'string' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  throw new UsageError(`Scenario "${key}" must be a number, got ${JSON.stringify(value)}.`);
}

/** Apply `values` (keys in either spelling) over `base`; unknown keys are errors. */
export function applyScenarioValues(base: Scenario, values: Record<string, unknown>, where: string): Scenario {
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(values)) {
    const key = KEYS_BY_ANY_SPELLING.get(name);
    if (key === undefined) throw new UsageError(`Unknown scenario key "${name}" in ${where}.`);
    out[key] = coerce(key, value);
  }
  return out as unknown as Scenario;
}

/** Parse a scenario file's text (JSON is YAML, so one parser reads both). */
export function parseScenarioText(text: string, where: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new UsageError(`Cannot read scenario ${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`Scenario ${where} must be a mapping of keys to values.`);
  return data as Record<string, unknown>;
}

export function loadScenarioFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read scenario file "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return parseScenarioText(text, `file "${path}"`);
}

/**
 * Build a Scenario: defaults, then the file named by `--scenario` (if any),
 * then the scenario flags in `flags` (flag name -> text). Throws UsageError.
 */
export function scenarioFromFlags(flags: ReadonlyMap<string, string>, readFile = loadScenarioFile): Scenario {
  let scenario: Scenario = { ...DEFAULT_SCENARIO };
  const file = flags.get('--scenario');
  if (file !== undefined) scenario = applyScenarioValues(scenario, readFile(file), `file "${file}"`);
  const given: Record<string, unknown> = {};
  for (const [flag, text] of flags) {
    const key = SCENARIO_FLAGS.get(flag);
    if (key !== undefined) given[key] = text;
  }
  return validateScenario(applyScenarioValues(scenario, given, 'the command line'));
}
