// The agent_operations feed writes each event's JSON text itself (a fast
// path): it must be exactly the text the JSON serializer writes for the same
// event. Replay the property with FC_SEED=<seed>.
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Registry } from '../../src/core/index.ts';
import { AgentOperationsFeed } from '../../src/registry/agent-operations.ts';
import { encodePythonJson, json } from '../../src/wamp/serializers/json.ts';
import { heartbeat } from '../support/heartbeats.ts';

const ENCODED = {
  agent_address: 'observatory.registry',
  agg_params: { frame_length: 60 },
  feed_name: 'agent_operations',
  address: 'observatory.registry.feeds.agent_operations',
  record: true,
  session_id: '1700000000.5',
  agent_class: 'RegistryAgent',
};

/** A feed whose events are encoded at once, as WampPeer.publish does: the wire text and the stringified args of each. */
function feedOver(registry: Registry) {
  const sent: { wire: string; plain: string }[] = [];
  const feed = new AgentOperationsFeed(registry, ENCODED, (topic, args) => {
    const message = [16, 7, {}, topic, args];
    sent.push({ wire: json.encode(message) as string, plain: encodePythonJson(message) });
    return true;
  });
  return { feed, sent };
}

describe('agent_operations event text', () => {
  it("is the serializer's text for every op of an agent, at whole and fractional times", () => {
    const registry = new Registry({ addressRoot: 'observatory' });
    registry.ingest(...heartbeat('fake-data1', { ops: { acq: 2, count: 3, 'odd-op.x': 1 } }), 1_700_000_000.25);
    const { feed, sent } = feedOver(registry);
    const agent = registry.get('observatory.fake-data1')!;
    feed.publishAgent(agent, 1_700_000_001.125);
    feed.publishAgent(agent, 1_700_000_002); // nudged to a float by floatTime
    feed.publishVanished(agent, ['gone'], 1_700_000_003.5);
    assert.equal(sent.length, 7);
    for (const { wire, plain } of sent) assert.equal(wire, plain);
    assert.match(sent[0]!.wire, /"observatory_fake_data1_acq":\{"block_name":"observatory_fake_data1_acq","data":\{"observatory_fake_data1_acq":\[2\]\}/);
  });

  it("is the serializer's text for any address, op names, codes and time (property)", () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`agent_operations text property: seed ${seed} (replay with FC_SEED=${seed})`);
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    fc.assert(
      fc.property(
        name,
        fc.dictionary(name, fc.integer({ min: 1, max: 8 }), { minKeys: 1, maxKeys: 6 }),
        fc.double({ min: 0, max: 4e9, noNaN: true }),
        (id, ops, t) => {
          const registry = new Registry({ addressRoot: 'observatory' });
          registry.ingest(...heartbeat(id, { ops }), 1_700_000_000);
          const agent = registry.get(`observatory.${id}`);
          if (agent === undefined) return; // an address the core refuses
          const { feed, sent } = feedOver(registry);
          feed.publishAgent(agent, t);
          for (const { wire, plain } of sent) assert.equal(wire, plain);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
