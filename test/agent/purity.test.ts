// src/agent must stay runtime-agnostic: no node:/Deno./Bun. APIs, no direct timers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const DIR = new URL('../../src/agent/', import.meta.url);
const FORBIDDEN = [/from ['"]node:/, /\bDeno\./, /\bBun\./, /\bsetTimeout\(/, /\bsetInterval\(/, /\bprocess\./];

describe('src/agent purity', () => {
  it('uses no runtime APIs and no direct timers', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      for (const pattern of FORBIDDEN) assert.doesNotMatch(text, pattern, `${file} matches ${pattern}`);
    }
  });
});
