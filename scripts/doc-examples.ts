// The public entry points and the examples in their doc comments: shared by
// test/architecture/entry-points.test.ts (run against the sources) and
// scripts/check-package.ts (run against the installed npm package).

export interface EntryPoint {
  /** How a user imports it from npm. */
  readonly specifier: string;
  /** The subpath in package.json and deno.json "exports". */
  readonly subpath: string;
  /** The source file, relative to the repository. */
  readonly source: string;
}

export const ENTRY_POINTS: readonly EntryPoint[] = [
  { specifier: 'ocs-registry', subpath: '.', source: 'src/mod.ts' },
  { specifier: 'ocs-registry/sim', subpath: './sim', source: 'sim/mod.ts' },
  { specifier: 'ocs-registry/testing', subpath: './testing', source: 'testing/mod.ts' },
];

/** The ```ts blocks of a file's first doc comment, without the leading " * ". */
export function examplesOf(source: string): string[] {
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  const lines = doc.split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    if (current === null && line.trim() === '```ts') current = [];
    else if (current !== null && line.trim() === '```') {
      out.push(current.join('\n'));
      current = null;
    } else if (current !== null) current.push(line);
  }
  return out;
}

/** Replace the package's specifiers in `code` ('ocs-registry', 'ocs-registry/sim', ...) with `targets`. */
export function withSpecifiers(code: string, targets: Readonly<Record<string, string>>): string {
  return code.replace(/(from\s+')(ocs-registry(?:\/[\w-]+)?)(')/g, (whole, open, name, close) => (name in targets ? `${open}${targets[name]}${close}` : whole));
}
