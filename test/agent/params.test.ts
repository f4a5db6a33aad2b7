import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParamError } from '../../src/agent/errors.ts';
import { type ParamList, prescreen } from '../../src/agent/params.ts';

function paramError(specs: ParamList, params: unknown): string {
  try {
    prescreen(specs, params);
  } catch (err) {
    if (err instanceof ParamError) return err.msg;
    throw err;
  }
  assert.fail('expected a ParamError');
}

function crash(specs: ParamList, params: unknown): string {
  try {
    prescreen(specs, params);
  } catch (err) {
    assert.ok(!(err instanceof ParamError), 'expected a non-ParamError');
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

const DELAY_TASK: ParamList = [
  { key: 'delay', default: 5.0, type: 'float', check: (x: number) => x >= 0 },
  { key: 'succeed', default: true, type: 'bool' },
];

// Expected texts were produced by running ocs ParamHandler (Python 3.11) on the same input.
describe('params prescreen (§2.11)', () => {
  it('requires a param without a default', () => {
    assert.equal(paramError([{ key: 'x' }], {}), "Param 'x' is required and must not be None");
    assert.equal(paramError([{ key: 's', type: 'str' }], { s: null }), "Param 's' is required and must not be None");
  });

  it('treat_none_as_missing=false keeps an explicit null but not a missing key', () => {
    const spec: ParamList = [{ key: 's', type: 'str', treatNoneAsMissing: false }];
    assert.deepEqual(prescreen(spec, { s: null }), { s: null });
    assert.equal(paramError(spec, {}), "Param 's' is required and must not be None");
  });

  it('reports cast failures with the class repr', () => {
    assert.equal(paramError([{ key: 'n', cast: 'int' }], { n: 'abc' }), "Param 'n'=abc could not be cast to <class 'int'>.");
    const named: ParamList = [{
      key: 'n',
      cast: () => {
        throw new Error('no');
      },
      castName: '<function lower>',
    }];
    assert.equal(paramError(named, { n: 'A' }), "Param 'n'=A could not be cast to <function lower>.");
    assert.deepEqual(prescreen([{ key: 'x', cast: 'str' }], { x: 5 }), { x: '5' });
    assert.deepEqual(prescreen([{ key: 'x', cast: 'int' }], { x: '42' }), { x: 42 });
  });

  it('checks types with Python semantics (bool is an int, int converts to float)', () => {
    const bool: ParamList = [{ key: 'test_mode', default: false, type: 'bool' }];
    assert.equal(paramError(bool, { test_mode: 'yes' }), "Param 'test_mode'=yes is not of required type (<class 'bool'>)");
    assert.equal(paramError(bool, { test_mode: 1 }), "Param 'test_mode'=1 is not of required type (<class 'bool'>)");
    const float: ParamList = [{ key: 'delay', default: 5.0, type: 'float' }];
    assert.equal(paramError(float, { delay: 'two' }), "Param 'delay'=two is not of required type (<class 'float'>)");
    assert.deepEqual(prescreen(float, { delay: true }), { delay: 1 });
    assert.deepEqual(prescreen([{ key: 'n', type: 'int' }], { n: true }), { n: true });
    assert.equal(paramError([{ key: 'n', type: 'int' }], { n: 2.5 }), "Param 'n'=2.5 is not of required type (<class 'int'>)");
    assert.equal(paramError([{ key: 's', type: 'str' }], { s: 5 }), "Param 's'=5 is not of required type (<class 'str'>)");
    assert.equal(
      paramError([{ key: 's', type: 'str' }], { s: ['a', 1, null, true, 2.5, { k: "it's" }] }),
      `Param 's'=['a', 1, None, True, 2.5, {'k': "it's"}] is not of required type (<class 'str'>)`,
    );
    assert.equal(paramError([{ key: 'x', type: 'str' }], { x: 1e-7 }), "Param 'x'=1e-07 is not of required type (<class 'str'>)");
    assert.equal(paramError([{ key: 'x', type: 'str' }], { x: 1e22 }), "Param 'x'=1e+22 is not of required type (<class 'str'>)");
    assert.equal(paramError([{ key: 'x', cast: 'float', type: 'int' }], { x: '3' }), "Param 'x'=3.0 is not of required type (<class 'int'>)");
  });

  it('checks choices after the float conversion', () => {
    assert.equal(paramError([{ key: 'mode', choices: ['a', 'b'] }], { mode: 'c' }), "Param 'mode'=c is not in allowed set (['a', 'b'])");
    const v: ParamList = [{ key: 'v', type: 'float', choices: [1.5, 2.5] }];
    assert.equal(paramError(v, { v: 3 }), "Param 'v'=3.0 is not in allowed set ([1.5, 2.5])");
    assert.deepEqual(prescreen([{ key: 'v', type: 'float', choices: [1.0, 2.5] }], { v: true }), { v: 1 });
  });

  it('runs the validity check', () => {
    assert.equal(paramError(DELAY_TASK, { delay: -1 }), "Param 'delay' failed validity check (see docs?).");
  });

  it('checks the last-listed spec first, like stacked decorators', () => {
    assert.equal(paramError(DELAY_TASK, { delay: -1, succeed: 'x' }), "Param 'succeed'=x is not of required type (<class 'bool'>)");
    const out = prescreen(DELAY_TASK, null);
    assert.deepEqual(out, { succeed: true, delay: 5 });
    assert.deepEqual(Object.keys(out), ['succeed', 'delay']);
  });

  it('rejects strays with a Python list repr unless _no_check_strays', () => {
    assert.equal(paramError([{ key: 'x', default: 1 }], { a: 1, b: 2, x: 3 }), "params included unexpected values: ['a', 'b']");
    assert.deepEqual(prescreen([{ key: '_no_check_strays' }, { key: 'x', default: 1 }], { a: 1 }), { x: 1 });
  });

  it('fails non-object params like Python attribute errors', () => {
    assert.equal(crash([{ key: 'x', default: 1 }], []), "'list' object has no attribute 'get'");
    assert.equal(crash([{ key: 'x', default: 1 }], 'abc'), "'str' object has no attribute 'get'");
    assert.equal(crash([{ key: '_' }], []), "'list' object has no attribute 'keys'");
    assert.deepEqual(prescreen([{ key: '_no_check_strays' }], []), {});
  });
});
