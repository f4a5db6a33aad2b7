// Reading op codes against the previous heartbeat's: the same-names and
// same-codes verdicts, and the names handed on when they differ (the reader
// copies names only from the first difference on).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, HeartbeatScratch, readOpCodes } from '../../src/core/heartbeat.ts';
import { packCodes } from '../../src/core/registered-agent.ts';

const LIMITS = { ...DEFAULT_LIMITS, addressRoot: 'observatory' };

function read(ops: Record<string, unknown>, prevNames: string[], prevCodes: number[]) {
  const out = new HeartbeatScratch();
  out.rawOpCodes = ops;
  const problem = readOpCodes(out, LIMITS, { opNames: prevNames, packedCodes: packCodes(prevCodes, prevCodes.length), bigCodes: null });
  const names = out.sameNames ? null : out.opNames.slice(0, out.opCount);
  return { problem: problem?.reason ?? null, sameNames: out.sameNames, sameCodes: out.sameCodes, names, codes: out.opCodes.slice(0, out.opCount) };
}

describe('readOpCodes against the previous heartbeat', () => {
  const prev = ['acq', 'count', 'scan'];

  it('same names, same codes: nothing to hand on', () => {
    assert.deepEqual(read({ acq: 3, count: 1, scan: 5 }, prev, [3, 1, 5]), { problem: null, sameNames: true, sameCodes: true, names: null, codes: [3, 1, 5] });
  });

  it('same names, a code changed', () => {
    const r = read({ acq: 3, count: 6, scan: 5 }, prev, [3, 1, 5]);
    assert.deepEqual([r.sameNames, r.sameCodes, r.codes], [true, false, [3, 6, 5]]);
  });

  it('hands on every name when they differ: later, fewer, more, or from the start', () => {
    assert.deepEqual(read({ acq: 3, count: 1, stream: 5 }, prev, [3, 1, 5]).names, ['acq', 'count', 'stream']);
    assert.deepEqual(read({ acq: 3, count: 1 }, prev, [3, 1, 5]).names, ['acq', 'count']);
    assert.deepEqual(read({ acq: 3, count: 1, scan: 5, more: 1 }, prev, [3, 1, 5]).names, ['acq', 'count', 'scan', 'more']);
    assert.deepEqual(read({ other: 1, acq: 3 }, prev, [3, 1, 5]).names, ['other', 'acq']);
    assert.deepEqual(read({}, prev, [3, 1, 5]), { problem: null, sameNames: false, sameCodes: false, names: [], codes: [] });
  });

  it('still checks a name that differs from the previous one', () => {
    assert.equal(read({ acq: 3, ['x'.repeat(300)]: 1 }, prev, [3, 1, 5]).problem, 'bad_op_name');
    assert.equal(read({ acq: 3, count: 1, scan: 5, '': 1 }, prev, [3, 1, 5]).problem, 'bad_op_name');
  });
});
