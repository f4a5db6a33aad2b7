import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { helpText, OPTIONS } from '../../src/config/index.ts';

describe('helpText', () => {
  const text = helpText();

  it('lists every option on one line with a description', () => {
    for (const o of OPTIONS) {
      const line = text.split('\n').find((l) => l.trimStart().startsWith(o.flag) || l.includes(`, ${o.flag}`));
      assert.ok(line, `${o.flag} is listed`);
      assert.ok(line.includes(o.help), `${o.flag} has its description on the same line`);
    }
    assert.match(text, /-h, --help/);
  });

  it('describes --wait-time as the republish period, not a sleep (Q19)', () => {
    const line = text.split('\n').find((l) => l.includes('--wait-time')) ?? '';
    assert.match(line, /republish/);
    assert.match(line, /agent_operations/);
    assert.doesNotMatch(line, /Sleep time/);
  });

  it('shows the program name in the usage line', () => {
    assert.match(helpText('x-reg'), /^Usage: x-reg \[options\]\n/);
  });
});
