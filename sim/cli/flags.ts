// The simulator's command lines, read with node:util parseArgs (Node, Bun and
// Deno all have it). parseArgs does the splitting ("--flag value",
// "--flag=value", "-h"); the checks are ours, so that every mistake is one
// short line and a UsageError (exit 2). Unlike the registry's argparse-like
// parser (src/config/argv.ts) there are no abbreviations: nothing here has to
// match Python.

import { parseArgs } from 'node:util';
import { UsageError } from '../../src/config/errors.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** Flag values by long name with its dashes ("--port"); the last of a repeated flag wins; booleans are `true`. */
export type Flags = Map<string, string | true>;

/** Parse `argv` against `specs` (keyed by long name without dashes); `command` names the program in messages. */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): Flags {
  const { tokens } = parseArgs({ args: [...argv], options: { ...specs }, strict: false, allowPositionals: true, tokens: true });
  const flags: Flags = new Map();
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}" (see ${command} --help)`);
    if (token.kind === 'option-terminator') continue;
    const spec = specs[token.name];
    if (spec === undefined) throw new UsageError(`unknown option "${token.rawName}" (see ${command} --help)`);
    const flag = `--${token.name}`;
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`${flag} takes no value`);
      flags.set(flag, true);
    } else {
      // "--port --host": the next flag is not a value (write "--name=--x" for one that starts so).
      const missing = token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('--'));
      if (missing) throw new UsageError(`${flag} needs a value`);
      flags.set(flag, token.value);
    }
  }
  return flags;
}
