import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_TEXT_MAX, logText } from '../../src/core/index.ts';

describe('logText (caller text in log lines)', () => {
  it('escapes what could forge a line or drive a terminal', () => {
    const forged = 'a\n2026-01-01T00:00:00Z Registry Agent joined\r\u001b[31m\u2028"';
    const text = logText(forged);
    for (const c of ['\n', '\r', '\u001b', '\u2028']) assert.ok(!text.includes(c), JSON.stringify(c));
    assert.equal(text, '"a\\n2026-01-01T00:00:00Z Registry Agent joined\\r\\u001b[31m\\u2028\\""');
  });

  it('cuts long text and says how much was left out, never splitting a surrogate pair', () => {
    const text = logText('x'.repeat(65_536));
    assert.ok(text.length < LOG_TEXT_MAX + 30, text);
    assert.match(text, /…" \(\+65416 chars\)$/);
    const emoji = logText(`${'y'.repeat(9)}😀😀`, 10);
    assert.equal(emoji, '"yyyyyyyyy…" (+4 chars)');
  });
});
