// The core is pure: no runtime APIs, timers or network, so it runs anywhere
// and is tested with plain calls (DESIGN.md, house style 1).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CORE = new URL('../../src/core/', import.meta.url).pathname;
const FORBIDDEN: [string, RegExp][] = [
  ['a node: import', /from\s+['"]node:|require\(\s*['"]node:|import\(\s*['"]node:/],
  ['a bare Node built-in import', /from\s+['"](fs|os|path|net|http|https|child_process|worker_threads|timers|process)['"]/],
  ['the Deno namespace', /\bDeno\./],
  ['the Bun namespace', /\bBun\./],
  ['a timer', /\b(setTimeout|setInterval|setImmediate|queueMicrotask|requestAnimationFrame)\s*\(/],
  ['the network', /\b(fetch|WebSocket|XMLHttpRequest|EventSource)\s*\(|\bnew\s+WebSocket\b/],
  ['the process global', /\bprocess\.(env|argv|exit|on|hrtime|nextTick)/],
  ['the wall clock', /\bDate\.now\(|\bperformance\.now\(|\bnew Date\(\)/],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  );
}

describe('src/core purity', () => {
  it('has source files to check', () => {
    assert.ok(sources(CORE).length >= 5);
  });

  for (const [what, pattern] of FORBIDDEN) {
    it(`uses no ${what}`, () => {
      const hits = sources(CORE).flatMap((file) =>
        readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
          pattern.test(line.replace(/\/\/.*$/, '')) ? [`${file.slice(CORE.length)}:${i + 1}: ${line.trim()}`] : []
        )
      );
      assert.deepEqual(hits, []);
    });
  }

  it('catches a violation (the checker itself works)', () => {
    const sample = "import { readFileSync } from 'node:fs'; setTimeout(() => {}, 1); Deno.exit(1);";
    const caught = FORBIDDEN.filter(([, p]) => p.test(sample)).map(([w]) => w);
    assert.deepEqual(caught, ['a node: import', 'the Deno namespace', 'a timer']);
  });
});
