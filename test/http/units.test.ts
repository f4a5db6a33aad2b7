// The small parts on their own: the event ring, the history rings, and
// src/http's freedom from runtime APIs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventLog } from '../../src/http/event-log.ts';
import { TransitionHistory } from '../../src/core/transition-history.ts';

describe('EventLog', () => {
  it('numbers events from 1 and keeps the newest `capacity` frames', () => {
    const log = new EventLog(3, 'e');
    assert.equal(log.last, 0);
    for (let i = 1; i <= 5; i++) assert.equal(log.append('joined', `{"n":${i}}`), i);
    assert.deepEqual([log.first, log.last], [3, 5]);
    assert.equal(log.frame(2), undefined);
    assert.equal(new TextDecoder().decode(log.frame(4)), 'id: e-4\nevent: joined\ndata: {"n":4}\n\n');
    const { bytes, next } = log.chunk(3, 1 << 20);
    assert.equal(next, 6);
    assert.equal(new TextDecoder().decode(bytes).split('\n\n').length - 1, 3);
  });

  it('cuts chunks at about maxBytes, but always sends at least one frame', () => {
    const log = new EventLog(10, 'e');
    for (let i = 0; i < 4; i++) log.append('x', 'y'.repeat(100));
    assert.equal(log.chunk(1, 10).next, 2);
    assert.equal(log.chunk(1, 300).next, 3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new EventLog(0, 'e'), /Event buffer size must be a positive integer, got 0/);
  });
});

describe('TransitionHistory', () => {
  const t = (n: number) => ({ id: `e-${n}`, type: 'ops-changed', at: n, op_codes: {} });

  it('keeps the last perAgent transitions, oldest first', () => {
    const history = new TransitionHistory(3, 10);
    for (let n = 1; n <= 7; n++) history.record('a', t(n));
    assert.deepEqual(history.of('a').map((x) => x.at), [5, 6, 7]);
    assert.deepEqual(history.of('nobody'), []);
  });

  it('keeps rings for at most maxAgents agents, forgetting the least recently changed', () => {
    const history = new TransitionHistory(2, 2);
    history.record('a', t(1));
    history.record('b', t(2));
    history.record('a', t(3));
    history.record('c', t(4));
    assert.equal(history.agents, 2);
    assert.deepEqual(history.of('b'), []);
    assert.deepEqual(history.of('a').map((x) => x.at), [1, 3]);
  });
});

describe('src/http purity', () => {
  const HTTP = new URL('../../src/http/', import.meta.url).pathname;
  const FORBIDDEN: [string, RegExp][] = [
    ['a node: import', /from\s+['"]node:|import\(\s*['"]node:/],
    ['the Deno namespace', /\bDeno\./],
    ['the Bun namespace', /\bBun\./],
    ['the process global', /\bprocess\./],
    ['a raw Node timer', /\b(setImmediate|setInterval)\s*\(/],
  ];
  // The page's own script runs in the browser, not here.
  const files = readdirSync(HTTP).filter((f) => f.endsWith('.ts') && f !== 'page.ts').map((f) => join(HTTP, f));

  for (const [what, pattern] of FORBIDDEN) {
    it(`uses no ${what}`, () => {
      const hits = files.flatMap((file) =>
        readFileSync(file, 'utf8').split('\n')
          .flatMap((line, i) => (pattern.test(line.replace(/\/\/.*$/, '')) ? [`${file}:${i + 1}`] : []))
      );
      assert.deepEqual(hits, []);
    });
  }

  it('has no timers outside the injected clock', () => {
    const hits = files.filter((file) => /\bsetTimeout\s*\(/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(hits, []);
  });
});
