import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_BOUND, MAX_ID, messageName, messageProblem, MessageType, ROUTER_BOUND } from '../../src/wamp/messages.ts';

const VALID: unknown[][] = [
  [1, 'test_realm', { roles: { subscriber: {} } }],
  [2, 12345, { roles: {} }],
  [3, { message: 'x' }, 'wamp.error.no_such_realm'],
  [6, {}, 'wamp.close.normal'],
  [8, 48, 7, {}, 'wamp.error.no_such_procedure'],
  [8, 48, 7, {}, 'wamp.error.no_such_procedure', ['no callee']],
  [8, 68, 7, {}, 'x.y', [], { a: 1 }],
  [16, 1, {}, 'observatory.a.feeds.heartbeat'],
  [16, 1, { acknowledge: true, exclude_me: false }, 'a.b', [[{}, {}]]],
  [16, MAX_ID, {}, 'a.b', [], { k: 1 }],
  [17, 1, 2],
  [32, 1, { match: 'wildcard' }, 'observatory..feeds.heartbeat'],
  [33, 1, 2],
  [34, 1, 2],
  [35, 1],
  [36, 1, 2, { topic: 'a.b' }, [1]],
  [48, 1, {}, 'observatory.registry', ['get_api'], {}],
  [49, 1, {}],
  [50, 1, {}, [1], { a: 2 }],
  [64, 1, { match: 'prefix' }, 'observatory.'],
  [65, 1, 2],
  [66, 1, 2],
  [67, 1],
  [67, 0, { registration: 5, reason: 'x' }],
  [68, 1, 2, {}, []],
  [69, 1, {}],
  [70, 1, {}, [null]],
];

const INVALID: Array<[string, unknown]> = [
  ['not an array', { 0: 16 }],
  ['empty array', []],
  ['unknown type', [99, 1, {}]],
  ['type as string', ['16', 1, {}, 'a']],
  ['PUBLISH too short', [16, 1, {}]],
  ['PUBLISH too long', [16, 1, {}, 'a', [], {}, 'extra']],
  ['request id 0', [16, 0, {}, 'a']],
  ['request id above 2^53', [16, MAX_ID + 2, {}, 'a']],
  ['fractional request id', [16, 1.5, {}, 'a']],
  ['request id as string', [16, '1', {}, 'a']],
  ['options as list', [16, 1, [], 'a']],
  ['options null', [16, 1, null, 'a']],
  ['topic not a string', [16, 1, {}, 42]],
  ['args not a list', [16, 1, {}, 'a', { x: 1 }]],
  ['kwargs not a dict', [16, 1, {}, 'a', [], [1]]],
  ['acknowledge not boolean', [16, 1, { acknowledge: 'yes' }, 'a']],
  ['unknown match policy', [32, 1, { match: 'regex' }, 'a']],
  ['REGISTER unknown match', [64, 1, { match: 1 }, 'a']],
  ['HELLO without details', [1, 'realm']],
  ['ERROR for unknown request type', [8, 99, 1, {}, 'x']],
  ['CALL disclose_me not boolean', [48, 1, { disclose_me: 1 }, 'a']],
];

describe('messageProblem', () => {
  for (const message of VALID) {
    it(`accepts ${messageName(message[0])} ${JSON.stringify(message)}`, () => {
      assert.equal(messageProblem(message), null);
    });
  }
  for (const [what, message] of INVALID) {
    it(`rejects ${what}`, () => {
      const problem = messageProblem(message);
      assert.equal(typeof problem, 'string');
      assert.ok((problem as string).length > 10, problem as string);
    });
  }
  it('explains what is wrong in a sentence', () => {
    assert.equal(messageProblem([16, 1, {}]), 'PUBLISH must have 4 to 6 elements, not 3.');
    assert.equal(messageProblem([16, 0, {}, 'a']), 'PUBLISH element 1 must be an id in 1..2^53.');
  });
});

describe('message directions', () => {
  it('lets clients send requests and routers send replies, nothing else', () => {
    assert.equal(ROUTER_BOUND.has(MessageType.PUBLISH), true);
    assert.equal(ROUTER_BOUND.has(MessageType.EVENT), false);
    assert.equal(CLIENT_BOUND.has(MessageType.EVENT), true);
    assert.equal(CLIENT_BOUND.has(MessageType.HELLO), false);
    for (const code of [MessageType.ABORT, MessageType.GOODBYE, MessageType.ERROR]) {
      assert.equal(ROUTER_BOUND.has(code) && CLIENT_BOUND.has(code), true);
    }
  });
  it('names message types', () => {
    assert.equal(messageName(70), 'YIELD');
    assert.equal(messageName(5), 'type 5');
  });
});
