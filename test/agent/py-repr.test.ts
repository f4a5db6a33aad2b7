import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pyEquals, pyFloatRepr, pyRepr, pyStr, pyTruthy } from '../../src/agent/py-repr.ts';

describe('Python str() and repr() of wire values', () => {
  it('prints floats like Python repr', () => {
    const cases: [number, string][] = [
      [5, '5.0'],
      [2.5, '2.5'],
      [1e-7, '1e-07'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1e22, '1e+22'],
      [123456789012345.6, '123456789012345.6'],
      [1.5e300, '1.5e+300'],
      [-0, '-0.0'],
      [5e-324, '5e-324'],
      [0.1, '0.1'],
      [-2.75, '-2.75'],
      [1700000000.123456, '1700000000.123456'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [1700000000, '1700000000.0'],
    ];
    for (const [x, text] of cases) assert.equal(pyFloatRepr(x), text, `repr(${x})`);
  });

  it('prints scalars and containers like Python str', () => {
    assert.equal(pyStr(true), 'True');
    assert.equal(pyStr(false), 'False');
    assert.equal(pyStr(null), 'None');
    assert.equal(pyStr('yes'), 'yes');
    assert.equal(pyStr(5), '5');
    assert.equal(pyStr(5, true), '5.0');
    assert.equal(pyStr(1e22), '1e+22');
    assert.equal(pyStr(['a', 1, null, true, 2.5, { k: "it's" }]), `['a', 1, None, True, 2.5, {'k': "it's"}]`);
    assert.equal(pyRepr('a\nb\\'), "'a\\nb\\\\'");
    assert.equal(pyRepr(`both ' and "`), `'both \\' and "'`);
    assert.equal(pyStr({}), '{}');
    assert.equal(pyStr([]), '[]');
  });

  it('follows Python truthiness and equality', () => {
    assert.equal(pyTruthy([]), false);
    assert.equal(pyTruthy({}), false);
    assert.equal(pyTruthy(''), false);
    assert.equal(pyTruthy(0), false);
    assert.equal(pyTruthy(NaN), true);
    assert.equal(pyTruthy('x'), true);
    assert.equal(pyEquals(true, 1), true);
    assert.equal(pyEquals(1, 1.0), true);
    assert.equal(pyEquals('1', 1), false);
    assert.equal(pyEquals([1, { a: true }], [1, { a: 1 }]), true);
    assert.equal(pyEquals(null, 0), false);
  });
});
