// The two type-checkers agree: deno.json's compiler options are tsconfig.json's
// (Deno adds only its own libs), so `tsc` and `deno check` judge the same code.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, ''));

/** The options that decide what type-checks, which Deno also reads. */
const SHARED = ['strict', 'noUncheckedIndexedAccess', 'noImplicitOverride', 'verbatimModuleSyntax', 'erasableSyntaxOnly'];

describe('deno.json and tsconfig.json', () => {
  const ts = read('tsconfig.json').compilerOptions as Record<string, unknown>;
  const deno = read('deno.json').compilerOptions as Record<string, unknown>;

  it('set the same type-checking options', () => {
    for (const option of SHARED) assert.equal(deno[option], ts[option], option);
  });

  it('Deno has every lib tsc has', () => {
    for (const lib of ts.lib as string[]) assert.ok((deno.lib as string[]).includes(lib), lib);
  });
});
