// An argument-list parser that accepts what Python's argparse accepts for
// the registry: "--flag value" and "--flag=value", unambiguous prefixes of
// long options (argparse's allow_abbrev, on by default), last one wins, and
// a value may be a negative number but not something that looks like an
// option. Unlike argparse it stops at the first problem.

import { UsageError } from './errors.ts';
import { optionFor, OPTIONS, SHORT_ALIASES } from './options.ts';
import type { OptionSpec } from './options.ts';
import { convertValue } from './values.ts';

export type ArgValue = string | number | boolean;
/** Values by long flag ("--wait-time"), numbers already converted. */
export type ArgValues = ReadonlyMap<string, ArgValue>;

type Classified =
  | { readonly kind: 'option'; readonly spec: OptionSpec; readonly explicit: string | undefined }
  | { readonly kind: 'positional' }
  | { readonly kind: 'unknown'; readonly name: string };

const POSITIONAL: Classified = { kind: 'positional' };

function exact(name: string): OptionSpec | undefined {
  return optionFor(SHORT_ALIASES[name] ?? name);
}

/** Mirrors argparse's _parse_optional, in the same order of checks. */
function classify(arg: string, where: string): Classified {
  if (!arg.startsWith('-') || arg === '-') return POSITIONAL;
  const whole = exact(arg);
  if (whole) return { kind: 'option', spec: whole, explicit: undefined };
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg : arg.slice(0, eq);
  const explicit = eq === -1 ? undefined : arg.slice(eq + 1);
  const named = exact(name);
  if (named) return { kind: 'option', spec: named, explicit };
  if (arg.startsWith('--')) {
    const matches = OPTIONS.filter((o) => o.flag.startsWith(name));
    const [only] = matches;
    if (matches.length === 1 && only) return { kind: 'option', spec: only, explicit };
    if (matches.length > 1) {
      const names = matches.map((o) => o.flag);
      const list = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
      throw new UsageError(`Ambiguous option ${JSON.stringify(name)}: could be ${list}${where}`);
    }
  }
  // argparse treats negative numbers and words with spaces as values.
  if (/^-\.?\d/.test(arg) || arg.includes(' ')) return POSITIONAL;
  return { kind: 'unknown', name };
}

/**
 * Parses `argv` into values keyed by long flag. `where` is appended to error
 * messages to say where the arguments came from (empty for the command line).
 */
export function parseArgv(argv: readonly string[], where = ''): Map<string, ArgValue> {
  const values = new Map<string, ArgValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      const rest = argv[i + 1];
      if (rest !== undefined) throw new UsageError(`Unexpected argument ${JSON.stringify(rest)}${where}`);
      break;
    }
    const c = classify(arg, where);
    if (c.kind === 'positional') throw new UsageError(`Unexpected argument ${JSON.stringify(arg)}${where}`);
    if (c.kind === 'unknown') throw new UsageError(`Unknown option ${JSON.stringify(c.name)}${where}`);
    const { spec, explicit } = c;
    if (spec.kind === 'flag' || spec.kind === 'help' || spec.kind === 'version') {
      if (explicit !== undefined) {
        throw new UsageError(`Option "${spec.flag}" takes no value, got ${JSON.stringify(explicit)}${where}`);
      }
      values.set(spec.flag, true);
      continue;
    }
    let raw = explicit;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next === '--' || classify(next, where).kind !== 'positional') {
        throw new UsageError(`Missing value for "${spec.flag}"${where}`);
      }
      raw = next;
      i++;
    }
    values.set(spec.flag, spec.kind === 'string' ? raw : convertValue(spec, raw, where));
  }
  return values;
}

/** True if the list asks for help (-h, --help or a prefix such as --he). */
export function wantsHelp(argv: readonly string[]): boolean {
  return asksFor('help', argv);
}

/** True if the list asks for the version (--version or a prefix such as --vers). */
export function wantsVersion(argv: readonly string[]): boolean {
  return asksFor('version', argv);
}

function asksFor(kind: 'help' | 'version', argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    try {
      const c = classify(arg, '');
      if (c.kind === 'option' && c.spec.kind === kind) return true;
    } catch {
      // An ambiguous word is reported by parseArgv, not here.
    }
  }
  return false;
}
