// The proxy link's batches: records of every kind come out as they went in,
// in order across text and binary batches; a malformed batch is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LinkRecords, LinkWriter, readBatch } from '../../sim/cluster/link-codec.ts';

function recorder(): { records: unknown[][]; to: LinkRecords } {
  const records: unknown[][] = [];
  return {
    records,
    to: {
      open: (id, protocol, path) => void records.push(['open', id, protocol, path]),
      frame: (id, data) => void records.push(['frame', id, typeof data === 'string' ? data : [...data]]),
      close: (id, code, reason) => void records.push(['close', id, code, reason]),
    },
  };
}

describe('proxy link codec', () => {
  it('round-trips opens, text and binary frames and closes, in order', () => {
    const batches: Array<string | Uint8Array> = [];
    const writer = new LinkWriter((batch) => batches.push(batch));
    writer.open(1, 'wamp.2.json', '/ws');
    writer.frame(1, '[1,"test_realm",{"roles":{}}]');
    writer.frame(1, 'ünï ☃ 12:34: T9:3:abc');
    writer.frame(4_000_000_000, new Uint8Array([0x93, 1, 2, 3]));
    writer.frame(2, new Uint8Array([]));
    writer.close(1, 1000, 'bye: now');
    writer.frame(3, '');
    writer.flush();
    assert.deepEqual(batches.map((b) => typeof b), ['string', 'object', 'string']);
    assert.equal(writer.batches, 3);
    assert.equal(writer.records, 7);
    const { records, to } = recorder();
    for (const batch of batches) readBatch(batch, to);
    assert.deepEqual(records, [
      ['open', 1, 'wamp.2.json', '/ws'],
      ['frame', 1, '[1,"test_realm",{"roles":{}}]'],
      ['frame', 1, 'ünï ☃ 12:34: T9:3:abc'],
      ['frame', 4_000_000_000, [0x93, 1, 2, 3]],
      ['frame', 2, []],
      ['close', 1, 1000, 'bye: now'],
      ['frame', 3, ''],
    ]);
  });

  it('writes at once past 64 KiB', () => {
    const batches: Array<string | Uint8Array> = [];
    const writer = new LinkWriter((batch) => batches.push(batch));
    writer.frame(1, 'x'.repeat(70_000));
    assert.equal(batches.length, 1);
    writer.frame(1, new Uint8Array(70_000));
    assert.equal(batches.length, 2);
  });

  it('refuses a malformed batch', () => {
    const { to } = recorder();
    assert.throws(() => readBatch('T1:99:short', to), RangeError);
    assert.throws(() => readBatch('X1:1:a', to), RangeError);
    assert.throws(() => readBatch('T1', to), RangeError);
    assert.throws(() => readBatch(new Uint8Array([3, 0, 0, 0, 1, 0, 0, 0, 9, 1]), to), RangeError);
  });
});
