// The state file on disk (issue 13): an atomic write leaves the old or the new
// content at any moment a process dies, and a file that cannot be used is
// reported and set aside.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile, setAside, writeFileAtomic } from '../../src/runtime/state-file.ts';
import { runProgram } from '../support/spawn-cli.ts';

const WRITER = new URL('./write-loop.ts', import.meta.url).pathname;

function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'ocs-state-'));
}

describe('State file: atomic write', () => {
  it('writes the pieces as the whole new content and leaves no temporary file', async () => {
    const dir = scratchDir();
    try {
      const path = join(dir, 'state.json');
      writeFileSync(path, 'old');
      await writeFileAtomic(path, ['{"a":', '1}']);
      assert.equal(readFileSync(path, 'utf8'), '{"a":1}');
      assert.deepEqual(readdirSync(dir), ['state.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kill -9 at random moments while writing leaves the old or the new file, never a mix', async () => {
    const dir = scratchDir();
    try {
      const path = join(dir, 'state.json');
      let lastSeen = 0;
      for (let round = 0; round < 6; round++) {
        const program = runProgram(WRITER, [path]);
        // A random number of writes, then SIGKILL while the next one is under way.
        const writes = 1 + Math.floor(Math.random() * 4);
        await program.waitFor(new RegExp(`^wrote ${writes}$`));
        program.child.kill('SIGKILL');
        await program.exited;
        const text = readFileSync(path, 'utf8');
        const content = JSON.parse(text) as { n: number; end: number; a: string; b: string };
        assert.equal(content.n, content.end, `round ${round}: one version, not a mix`);
        assert.equal(content.a.length, 256 * 1024);
        assert.ok(content.n >= writes, `round ${round}: at least the acknowledged version (${content.n} >= ${writes})`);
        lastSeen = content.n;
      }
      assert.ok(lastSeen > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('State file: reading', () => {
  it('tells a missing file, a too big one and a directory apart', () => {
    const dir = scratchDir();
    try {
      assert.deepEqual(readStateFile(join(dir, 'none.json'), 100), { kind: 'missing' });
      writeFileSync(join(dir, 'big.json'), 'x'.repeat(200));
      const big = readStateFile(join(dir, 'big.json'), 100);
      assert.equal(big.kind, 'refused');
      assert.match((big as { problem: string }).problem, /200 bytes/);
      mkdirSync(join(dir, 'sub'));
      assert.equal(readStateFile(join(dir, 'sub'), 100).kind, 'refused');
      writeFileSync(join(dir, 'ok.json'), '{}');
      assert.deepEqual(readStateFile(join(dir, 'ok.json'), 100), { kind: 'text', text: '{}' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets a refused file aside under a new name', () => {
    const dir = scratchDir();
    try {
      const path = join(dir, 'state.json');
      writeFileSync(path, 'garbage');
      const aside = setAside(path, new Date('2026-12-07T18:00:00Z'));
      assert.equal(aside, `${path}.refused-2026-12-07T18-00-00-000Z`);
      assert.equal(existsSync(path), false);
      assert.equal(readFileSync(aside as string, 'utf8'), 'garbage');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
