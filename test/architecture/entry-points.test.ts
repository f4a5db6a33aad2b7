// The public API: three entry points, named the same in package.json (npm),
// deno.json (JSR) and the docs, each with an example in its doc comment that
// runs here against the sources (scripts/check-package.ts runs the same
// examples against the installed npm package).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ENTRY_POINTS, examplesOf, withSpecifiers } from '../../scripts/doc-examples.ts';

const ROOT = new URL('../../', import.meta.url);
const json = (name: string) => JSON.parse(readFileSync(new URL(name, ROOT), 'utf8'));

describe('entry points', () => {
  it('are the exports of package.json and deno.json', () => {
    const npm = json('package.json').exports as Record<string, { import: string; types: string }>;
    const jsr = json('deno.json').exports as Record<string, string>;
    for (const { subpath, source } of ENTRY_POINTS) {
      assert.equal(jsr[subpath], `./${source}`, `deno.json exports ${subpath}`);
      assert.equal(npm[subpath]?.import, `./dist/js/${source.replace(/\.ts$/, '.js')}`, `package.json exports ${subpath}`);
      assert.equal(npm[subpath]?.types, `./dist/js/${source.replace(/\.ts$/, '.d.ts')}`, `package.json types of ${subpath}`);
    }
  });

  for (const { specifier, source } of ENTRY_POINTS) {
    it(`${specifier}: the doc comment's examples run`, async () => {
      const text = readFileSync(new URL(source, ROOT), 'utf8');
      const examples = examplesOf(text);
      assert.ok(examples.length >= 1, `${source} has an example`);
      const dir = new URL('.cache/doc-examples/', ROOT);
      mkdirSync(dir, { recursive: true });
      const local = Object.fromEntries(ENTRY_POINTS.map((e) => [e.specifier, pathToFileURL(new URL(e.source, ROOT).pathname).href]));
      for (const [i, example] of examples.entries()) {
        const file = new URL(`${source.replace(/\W/g, '_')}_${i}.ts`, dir);
        writeFileSync(file, withSpecifiers(example, local));
        await import(file.href);
      }
    });
  }
});
