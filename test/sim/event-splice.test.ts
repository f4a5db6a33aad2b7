// EVENTs (RESULTs) spliced from their PUBLISH's (YIELD's) JSON text are the
// same JSON as stringifying them (replay the property with FC_SEED=<seed>).
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { argumentsOffset, noteMessageText, splicedText } from '../../sim/endpoint/event-splice.ts';
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
    noteMessageText(publish, text);
    const event = [36, 5, 9, { topic: 'observatory.a.feeds.heartbeat' }, publish[4], publish[5]];
    assert.equal(splicedText(event), '[36,5,9,{"topic":"observatory.a.feeds.heartbeat"},[[{"x":NaN}]],{"k":"v"}]');
    assert.equal(splicedText(event), encodePythonJson(event));
    // Other arguments, another length, or another message: not spliced.
    assert.equal(splicedText([36, 5, 9, {}, [[{ x: 1 }]], publish[5]]), null);
    assert.equal(splicedText([36, 5, 9, {}, publish[4]]), null);
    assert.equal(splicedText([50, 5, {}, publish[4], publish[5]]), null);
    noteMessageText([16, 2, {}, 't'], '[16,2,{},"t"]');
    assert.equal(splicedText(event), null);
  });

  it("writes a RESULT with its YIELD's arguments as received, only for that YIELD", () => {
    const text = '[70, 4, {}, [{"rows": [1, NaN, null]}], {"k": "\\u00e9"}]';
    const yielded = decodePythonJson(text) as unknown[];
    noteMessageText(yielded, text);
    const result = [50, 9, {}, yielded[3], yielded[4]];
    assert.equal(splicedText(result), '[50,9,{},[{"rows": [1, NaN, null]}], {"k": "\\u00e9"}]');
    assert.deepEqual(decodePythonJson(splicedText(result)!), decodePythonJson(encodePythonJson(result)));
    assert.equal(splicedText([36, 9, 1, {}, yielded[3], yielded[4]]), null, 'not an EVENT');
    assert.equal(splicedText([50, 9, {}, [{}], yielded[4]]), null, 'other arguments');
    assert.equal(splicedText([50, 9, { progress: true }, yielded[3], yielded[4]]), '[50,9,{"progress":true},[{"rows": [1, NaN, null]}], {"k": "\\u00e9"}]');
    noteMessageText([70, 5, {}], '[70,5,{}]');
    assert.equal(splicedText(result), null, 'a YIELD without arguments forgets the last one');
  });

  it('writes EVENT details {topic} with the topic text as received', () => {
    const text = '[16,1,{},"observatory.\\u0061.feeds.heartbeat",[1]]';
    const publish = decodePythonJson(text) as unknown[];
    noteMessageText(publish, text);
    assert.equal(
      splicedText([36, 5, 9, { topic: 'observatory.a.feeds.heartbeat' }, publish[4]]),
      '[36,5,9,{"topic":"observatory.\\u0061.feeds.heartbeat"},[1]]',
    );
    // Details with more than the topic, or another topic, are written afresh.
    assert.equal(
      splicedText([36, 5, 9, { topic: 'observatory.a.feeds.heartbeat', publisher: 3 }, publish[4]]),
      '[36,5,9,{"topic":"observatory.a.feeds.heartbeat","publisher":3},[1]]',
    );
    assert.equal(splicedText([36, 5, 9, { topic: 'x.y' }, publish[4]]), '[36,5,9,{"topic":"x.y"},[1]]');
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
          noteMessageText(decoded, text);
          const event = [36, 11, 12, { topic: decoded[3] }, decoded[4], ...(kwargs !== undefined ? [decoded[5]] : [])];
          const spliced = splicedText(event);
          assert.notEqual(spliced, null);
          assert.deepEqual(JSON.parse(spliced!), JSON.parse(JSON.stringify(event)));
          // The same arguments coming back in a YIELD, and the RESULT for it.
          const yieldText = JSON.stringify([70, 3, {}, ...publish.slice(4)]);
          const yielded = JSON.parse(yieldText) as unknown[];
          noteMessageText(yielded, yieldText);
          const result = [50, 8, {}, ...yielded.slice(3)];
          assert.deepEqual(JSON.parse(splicedText(result)!), JSON.parse(JSON.stringify(result)));
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
