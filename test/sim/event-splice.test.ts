// EVENTs spliced from their PUBLISH's JSON text are the same JSON as
// stringifying them (replay the property with FC_SEED=<seed>).
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { argumentsOffset, notePublishText, splicedEventText } from '../../sim/endpoint/event-splice.ts';
import { decodePythonJson, encodePythonJson } from '../../src/wamp/serializers/json.ts';

const HEARTBEAT = '[16,7,{},"observatory.fake1.feeds.heartbeat",[[{"acq":1,"count":1},{"agent_address":"observatory.fake1"}]]]';

describe('EVENT text spliced from a JSON PUBLISH', () => {
  it('finds where the arguments start, with whitespace, nested options and escaped quotes', () => {
    assert.equal(HEARTBEAT.slice(argumentsOffset(HEARTBEAT)), '[[{"acq":1,"count":1},{"agent_address":"observatory.fake1"}]]]');
    const spaced = '[ 16, 7, {"a": {"b": "}\\""}, "c": [1]}, "x.\\"y", [1, 2], {"k": 3} ]';
    assert.equal(spaced.slice(argumentsOffset(spaced)), '[1, 2], {"k": 3} ]');
    for (const bad of ['[16,7,{},"t"]', '[16,7,{}', '{"a":1}', '[16,"7",{},"t",[]]', '[16,7,{},"t" [1]]', '']) assert.equal(argumentsOffset(bad), -1, bad);
  });

  it('writes the EVENT with the arguments as received (NaN tokens too), only for that PUBLISH', () => {
    const text = '[16,1,{"acknowledge":true},"observatory.a.feeds.heartbeat",[[{"x":NaN}]],{"k":"v"}]';
    const publish = decodePythonJson(text) as unknown[];
    notePublishText(publish, text);
    const event = [36, 5, 9, { topic: 'observatory.a.feeds.heartbeat' }, publish[4], publish[5]];
    assert.equal(splicedEventText(event), '[36,5,9,{"topic":"observatory.a.feeds.heartbeat"},[[{"x":NaN}]],{"k":"v"}]');
    assert.equal(splicedEventText(event), encodePythonJson(event));
    // Other arguments, another length, or another message: not spliced.
    assert.equal(splicedEventText([36, 5, 9, {}, [[{ x: 1 }]], publish[5]]), null);
    assert.equal(splicedEventText([36, 5, 9, {}, publish[4]]), null);
    assert.equal(splicedEventText([50, 5, {}, publish[4], publish[5]]), null);
    notePublishText([16, 2, {}, 't'], '[16,2,{},"t"]');
    assert.equal(splicedEventText(event), null);
  });

  it('gives the same JSON as stringify for any arguments (property)', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`event splice property: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue()),
        fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
        fc.string(),
        (args, kwargs, topicTail) => {
          const publish: unknown[] = [16, 3, { exclude_me: false }, `a.${JSON.stringify(topicTail).slice(1, -1)}`, args];
          if (kwargs !== undefined) publish.push(kwargs);
          const text = JSON.stringify(publish);
          const decoded = JSON.parse(text) as unknown[];
          notePublishText(decoded, text);
          const event = [36, 11, 12, { topic: decoded[3] }, decoded[4], ...(kwargs !== undefined ? [decoded[5]] : [])];
          const spliced = splicedEventText(event);
          assert.notEqual(spliced, null);
          assert.deepEqual(JSON.parse(spliced!), JSON.parse(JSON.stringify(event)));
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
