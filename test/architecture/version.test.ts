// One version for the release: the code's, package.json's and deno.json's.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/core/version.ts';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8')) as { version?: string };

describe('version', () => {
  it('is semver', () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it('equals package.json and deno.json', () => {
    assert.equal(read('package.json').version, VERSION);
    assert.equal(read('deno.json').version, VERSION);
  });
});
