// Imports run one way (README "How it is built"): cli → registry → agent →
// wamp → core; http reads core's read-only views; runtime is reached only
// from the programs; sim/ may import src/, never the reverse (the --sim mode
// loads the simulator with a dynamic import); testing/ (public test helpers)
// may import both; nothing shipped imports tests or benchmarks.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);

/** Layer of a file: `src/<dir>`, `sim`, `testing`, an entry point, or `other`. */
function layerOf(path: string): string {
  const rel = relative(ROOT, path);
  const parts = rel.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  if (parts[0] === 'src') return 'src/entry';
  return parts[0] ?? 'other';
}

/** What each layer may import statically, besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  'src/core': [],
  'src/config': ['src/core'],
  'src/runtime': ['src/core'],
  'src/wamp': ['src/core'],
  'src/agent': ['src/core', 'src/wamp'],
  'src/registry': ['src/core', 'src/wamp', 'src/agent'],
  'src/http': ['src/core'],
  'src/service': ['src/core', 'src/config', 'src/wamp', 'src/agent', 'src/registry', 'src/http'],
  'src/cli': ['src/core', 'src/config', 'src/runtime', 'src/wamp', 'src/agent', 'src/registry', 'src/http', 'src/service'],
  'src/entry': ['src/core', 'src/config', 'src/runtime', 'src/wamp', 'src/agent', 'src/registry', 'src/http', 'src/service', 'src/cli'],
  sim: ['src/core', 'src/config', 'src/runtime', 'src/wamp', 'src/agent', 'src/registry', 'src/http', 'src/service', 'src/cli', 'src/entry'],
  testing: ['src/core', 'src/config', 'src/runtime', 'src/wamp', 'src/agent', 'src/registry', 'src/http', 'src/service', 'src/entry', 'sim'],
};
/** Layers that may load another lazily with `await import(...)`. */
const DYNAMIC: Record<string, readonly string[]> = { 'src/service': ['sim'], 'src/entry': ['sim'] };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []
  );
}

interface Edge {
  from: string;
  to: string;
  dynamic: boolean;
}

const STATIC = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]/g;
const LAZY = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function edges(file: string, source = readFileSync(file, 'utf8')): Edge[] {
  const text = source.replace(/^\s*\/\/.*$/gm, '');
  const found: Edge[] = [];
  for (const [pattern, dynamic] of [[STATIC, false], [LAZY, true]] as const) {
    for (const m of text.matchAll(pattern)) found.push({ from: file, to: resolve(dirname(file), m[1] as string), dynamic });
  }
  return found;
}

function violations(files: readonly string[], read?: (file: string) => string): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const edge of edges(file, read?.(file))) {
      const to = layerOf(edge.to);
      if (to === from) continue;
      const ok = (ALLOWED[from] ?? []).includes(to) || (edge.dynamic && (DYNAMIC[from] ?? []).includes(to));
      if (!ok) out.push(`${relative(ROOT, file)} → ${relative(ROOT, edge.to)} (${from} may not ${edge.dynamic ? 'load' : 'import'} ${to})`);
    }
  }
  return out;
}

describe('layers', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'sim')), ...sources(join(ROOT, 'testing'))];

  it('finds the sources and their imports', () => {
    assert.ok(files.length > 100);
    assert.ok(files.flatMap((f) => edges(f)).length > 300);
  });

  it('imports run one way only', () => {
    assert.deepEqual(violations(files), []);
  });

  it('src/ reaches the simulator only by a dynamic import', () => {
    const lazy = files.filter((f) => layerOf(f).startsWith('src/')).flatMap((f) => edges(f)).filter((e) => e.dynamic && layerOf(e.to) === 'sim');
    assert.ok(lazy.length >= 1, 'the --sim mode loads the simulator lazily');
  });

  it('catches a violation (the checker itself works)', () => {
    const samples: Record<string, string> = {
      [join(ROOT, 'src/core/x.ts')]: "import { WampPeer } from '../wamp/peer.ts';",
      [join(ROOT, 'src/registry/x.ts')]: "import { Router } from '../../sim/router/index.ts';",
      [join(ROOT, 'src/http/x.ts')]: "export { RegistryAgent } from '../registry/registry-agent.ts';",
      [join(ROOT, 'src/agent/x.ts')]: "const m = await import('../../sim/swarm/demo.ts');",
      [join(ROOT, 'src/service/x.ts')]: "const m = await import('../../sim/swarm/demo.ts');\nimport { x } from '../core/index.ts';",
    };
    const found = violations(Object.keys(samples), (file) => samples[file] as string).map((v) => v.split(' → ')[0]);
    assert.deepEqual(found, ['src/core/x.ts', 'src/registry/x.ts', 'src/http/x.ts', 'src/agent/x.ts']);
  });
});
