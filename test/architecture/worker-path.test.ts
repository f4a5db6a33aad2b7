// src/worker.ts runs where there may be no `node:` modules and no file
// system: none of our files it imports statically uses either (the site
// config reader is loaded lazily, only with OCS_CONFIG_DIR).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const STATIC = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/g;

/** Our files reached from `entry` by static imports, and the bare specifiers they name. */
function staticClosure(entry: string): { files: string[]; specifiers: Set<string> } {
  const files: string[] = [];
  const specifiers = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(STATIC)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else specifiers.add(spec);
    }
  }
  return { files, specifiers };
}

describe('the worker path', () => {
  const { files, specifiers } = staticClosure(resolve(ROOT, 'src/worker.ts'));

  it('reaches the service, the HTTP app and the WAMP client', () => {
    const rel = files.map((f) => relative(ROOT, f));
    for (const file of ['src/service/registry-service.ts', 'src/http/app.ts', 'src/wamp/websocket-transport.ts']) assert.ok(rel.includes(file), file);
  });

  it('imports no node: module statically', () => {
    assert.deepEqual([...specifiers].filter((s) => s.startsWith('node:')), []);
  });

  it('uses no runtime global but through src/runtime/worker-host.ts', () => {
    const offenders = files
      .filter((f) => !f.endsWith('src/runtime/worker-host.ts'))
      .filter((f) => /\b(Deno|Bun)\.|\bprocess\.(env|on|exit|argv)\b/.test(readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')));
    assert.deepEqual(offenders.map((f) => relative(ROOT, f)), []);
  });
});
