// Large bodies from cached parts: streamed in chunks without a separator,
// with a head larger than a chunk, and parts encoded in one go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAll, streamParts } from '../../src/http/chunked-body.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const read = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('chunked bodies', () => {
  it('stream parts back to back, after a head of any size and before the tail', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
    const head = `# ${'h'.repeat(100_000)}\n`;
    assert.equal(await read(streamParts(utf8(head), lines.map(utf8), -1, utf8('end\n'))), `${head}${lines.join('')}end\n`);
    assert.equal(await read(streamParts(new Uint8Array(0), [], -1, new Uint8Array(0))), '');
  });

  it('encode texts in one go, each result its own buffer (none keeps the batch alive)', () => {
    const ascii = encodeAll(['ocs_agent_up 1\n', '', 'op 3\n']);
    assert.deepEqual(ascii.map((b) => new TextDecoder().decode(b)), ['ocs_agent_up 1\n', '', 'op 3\n']);
    assert.equal(ascii[0]!.buffer.byteLength, ascii[0]!.length, 'not a view of the batch');
    const mixed = encodeAll(['a="détecteur"\n', 'b="x"\n']);
    assert.deepEqual(mixed.map((b) => new TextDecoder().decode(b)), ['a="détecteur"\n', 'b="x"\n']);
  });
});
