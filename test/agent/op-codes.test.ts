// The heartbeat's op codes are rebuilt only when an op says its code may have
// changed: whatever happens to ops and sessions, opCodes() must equal a fresh
// reading of every op, and stay the same object while nothing changed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Operation } from '../../src/agent/operation.ts';
import { OperationTable } from '../../src/agent/operation-table.ts';
import { OpSession } from '../../src/agent/op-session.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = 1_700_000_000;
const NAMES = ['acq', 'count', 'scan', 'idle'];

function fresh(table: OperationTable): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const op of table.all()) codes[op.name] = op.session ? op.session.opCode : 1;
  return codes;
}

type Step =
  | { kind: 'add' }
  | { kind: 'status'; op: number; status: 'running' | 'stopping' | 'done' }
  | { kind: 'degraded'; op: number; value: boolean }
  | { kind: 'finish'; op: number; success: unknown }
  | { kind: 'crash'; op: number }
  | { kind: 'replace'; op: number; empty: boolean }
  | { kind: 'read' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'add' as const }),
  fc.record({ kind: fc.constant('status' as const), op: fc.nat(3), status: fc.constantFrom('running' as const, 'stopping' as const, 'done' as const) }),
  fc.record({ kind: fc.constant('degraded' as const), op: fc.nat(3), value: fc.boolean() }),
  fc.record({ kind: fc.constant('finish' as const), op: fc.nat(3), success: fc.constantFrom(true, false, 1, 0, null, 'yes', '') }),
  fc.record({ kind: fc.constant('crash' as const), op: fc.nat(3) }),
  fc.record({ kind: fc.constant('replace' as const), op: fc.nat(3), empty: fc.boolean() }),
  fc.constant({ kind: 'read' as const }),
);

describe('OperationTable.opCodes', () => {
  it('property: equals a fresh reading of every op after any mix of changes, and is reused while nothing changed', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`op codes property: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = new FakeClock(T0);
        const table = new OperationTable({ clock });
        const ops: Operation[] = [];
        let sessionId = 0;
        const sessionOf = (i: number): OpSession | null => ops[i % Math.max(1, ops.length)]?.session ?? null;
        let last = table.opCodes();
        for (const s of steps) {
          if (s.kind === 'add' && ops.length < NAMES.length) {
            const op = new Operation(NAMES[ops.length]!, 'task', () => true, null, {});
            table.add(op);
            ops.push(op);
          } else if (s.kind === 'replace' && ops.length > 0) {
            ops[s.op % ops.length]!.session = s.empty ? null : new OpSession({ sessionId: sessionId++, opName: 'x', clock });
          } else if (s.kind === 'status') {
            try {
              sessionOf(s.op)?.setStatus(s.status);
            } catch {
              // a backward move is refused, as Python's assert does
            }
          } else if (s.kind === 'degraded') {
            const session = sessionOf(s.op);
            if (session) session.degraded = s.value;
          } else if (s.kind === 'finish') {
            const session = sessionOf(s.op);
            if (session && session.status !== 'done') session.finish(s.success, 'done');
          } else if (s.kind === 'crash') {
            sessionOf(s.op)?.crash('crashed');
          }
          const codes = table.opCodes();
          assert.deepEqual({ ...codes }, fresh(table));
          assert.ok(Object.isFrozen(codes));
          if (JSON.stringify(codes) === JSON.stringify(last) && Object.keys(codes).length === Object.keys(last).length) {
            assert.equal(codes, last, 'the same codes must be the same object (its encoding is reused)');
          }
          assert.equal(table.opCodes(), codes);
          last = codes;
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('a session started through the table tells it of its changes', () => {
    const clock = new FakeClock(T0);
    const table = new OperationTable({ clock });
    table.add(new Operation('acq', 'process', () => new Promise(() => {}), () => true, {}));
    assert.deepEqual({ ...table.opCodes() }, { acq: 1 });
    table.start('acq', {});
    const session = table.get('acq')!.session!;
    assert.deepEqual({ ...table.opCodes() }, { acq: session.opCode });
    session.setStatus('running');
    assert.deepEqual({ ...table.opCodes() }, { acq: 3 });
    session.degraded = true;
    assert.deepEqual({ ...table.opCodes() }, { acq: 8 });
  });
});
