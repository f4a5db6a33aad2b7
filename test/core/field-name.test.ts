import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { enforceFieldNameRules, fieldNameProblem, operationFieldName } from '../../src/core/field-name.ts';

describe('agent_operations field names (Python Feed rules)', () => {
  it('joins address and op, turning dots and dashes into underscores', () => {
    assert.equal(operationFieldName('observatory.fake-data1', 'acq'), 'observatory_fake_data1_acq');
    assert.equal(operationFieldName('observatory.registry', 'register_agent'), 'observatory_registry_register_agent');
  });

  it('enforces the rules as Python does', () => {
    assert.equal(enforceFieldNameRules(''), 'invalid_field');
    assert.equal(enforceFieldNameRules('a b'), 'a_b');
    assert.equal(enforceFieldNameRules('a$b%c'), 'abc');
    assert.equal(enforceFieldNameRules('__1abc'), '__abc');
    assert.equal(enforceFieldNameRules('_1_a'), '_a');
    assert.equal(enforceFieldNameRules('123'), '');
    assert.equal(enforceFieldNameRules('x'.repeat(300)).length, 255);
  });

  it('verifies like Python, including the all-underscore quirk', () => {
    assert.equal(fieldNameProblem('abc_1'), null);
    assert.equal(fieldNameProblem('___'), null);
    assert.match(fieldNameProblem('') ?? '', /Empty field name/);
    assert.match(fieldNameProblem('a.b') ?? '', /invalid character '\.'/);
    assert.match(fieldNameProblem('_1a') ?? '', /does not start with a letter/);
    assert.match(fieldNameProblem('a'.repeat(256)) ?? '', /exceeds the valid length/);
  });

  it('skips ops whose field cannot be made valid', () => {
    // "9.8" root and op "7" give "9_8_7", whose letters are all stripped: empty, which fails verify.
    assert.equal(operationFieldName('9.8', '7'), null);
  });
});

describe('operationFieldName fast path', () => {
  it('names exactly as the full rules do, for any address and op (property)', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`field name property: seed ${seed} (replay with FC_SEED=${seed})`);
    const full = (address: string, op: string): string | null => {
      const field = enforceFieldNameRules(`${address}_${op}`.replaceAll('.', '_').replaceAll('-', '_'));
      return fieldNameProblem(field) === null ? field : null;
    };
    const part = fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_.\- ]{0,140}$/), fc.constantFrom('', '_', '9', 'a'.repeat(250)));
    fc.assert(fc.property(part, part, (address, op) => assert.equal(operationFieldName(address, op), full(address, op))), { seed, numRuns: 2000 });
  });
});
