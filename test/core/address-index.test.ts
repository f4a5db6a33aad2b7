// The heartbeat's address lookup: exact (a hash match is confirmed on the
// characters), through growth, probing and non-ASCII addresses, against a Map
// as the model. Replay the property with FC_SEED=<seed>.
import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AddressIndex } from '../../src/core/address-index.ts';
import { fnv1a } from '../../src/core/string-hash.ts';

describe('address index', () => {
  it('spreads addresses that differ only in high character bits (no crafted slot sharing)', () => {
    // Each character 'a' with or without bit 15: under plain FNV-1a all 2048 share their low
    // 15 hash bits, so they would pile into one slot of any table up to 2^15 slots.
    const crafted = Array.from(
      { length: 2048 },
      (_, i) => `observatory.${Array.from({ length: 11 }, (_, b) => String.fromCharCode(0x61 | (((i >> b) & 1) << 15))).join('')}`,
    );
    const low15 = new Set(crafted.map((a) => fnv1a(a) & 0x7fff));
    assert.equal(low15.size, 1, 'the crafted addresses do collide under plain FNV-1a');
    const index = new AddressIndex(16, 0);
    crafted.forEach((a, i) => index.add(a, i));
    crafted.forEach((a, i) => assert.equal(index.get(a), i));
    const longest = Math.max(...crafted.map((a) => index.probes(a)));
    assert.ok(longest < 40, `longest probe ${longest}`);
  });

  it('finds each address it was given, and nothing else', () => {
    const index = new AddressIndex(16);
    const addresses = Array.from({ length: 5000 }, (_, i) => `observatory.agent-${i}`);
    addresses.forEach((a, i) => index.add(a, i));
    assert.equal(index.size, 5000);
    addresses.forEach((a, i) => assert.equal(index.get(a), i));
    for (const other of ['observatory.agent-5000', 'observatory.agent-', 'observatory.agent-10 ', '', 'observatory.agent-1\u0000']) {
      assert.equal(index.get(other), -1, JSON.stringify(other));
    }
  });

  it('tells apart two addresses with the same hash', () => {
    const [a, b] = ['observatory.agent-329599', 'observatory.agent-532382'];
    assert.equal(fnv1a(a), fnv1a(b), 'the pair collides under FNV-1a, so under seed 0 too');
    const index = new AddressIndex(1024, 0);
    index.add(a, 7);
    assert.equal(index.get(b), -1);
    index.add(b, 8);
    assert.deepEqual([index.get(a), index.get(b)], [7, 8]);
  });

  it('keeps non-ASCII addresses apart from their look-alikes', () => {
    const index = new AddressIndex();
    index.add('observatory.détecteur', 0);
    index.add('observatory.\u{1F52D}', 1);
    assert.deepEqual([index.get('observatory.détecteur'), index.get('observatory.\u{1F52D}')], [0, 1]);
    assert.equal(index.get('observatory.detecteur'), -1);
    assert.equal(index.get('observatory.d\u00e9tecteu'), -1);
  });

  it('with a prefix, hashes and keeps only the rest, and finds nothing without the prefix', () => {
    const index = new AddressIndex(16, 0, 'observatory.');
    const ids = ['a', 'agent-1', 'détecteur', '\u{1F52D}', ''];
    ids.forEach((id, i) => index.add(`observatory.${id}`, i));
    ids.forEach((id, i) => assert.equal(index.get(`observatory.${id}`), i));
    for (const other of ['xbservatory.a', 'a', 'observatory', 'observatory.b', 'observatory.agent-', 'Observatory.a']) {
      assert.equal(index.get(other), -1, JSON.stringify(other));
    }
    assert.throws(() => index.add('elsewhere.a', 9), RangeError);
    assert.equal(index.delete('xbservatory.a'), false, 'an address without the prefix is not deleted in place of another');
    assert.equal(index.renumber('xbservatory.a', 5), false);
    assert.equal(index.get('observatory.a'), 0);
    assert.equal(index.delete('observatory.a'), true);
    assert.equal(index.get('observatory.a'), -1);
  });

  it('property: agrees with a Map on any addresses', () => {
    const seed = Number(process.env.FC_SEED ?? (Date.now() % 2 ** 31));
    console.log(`address index property: seed ${seed} (replay with FC_SEED=${seed})`);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 12 })),
        fc.constantFrom('', 'obs.', 'é'),
        (tails, probeTails, prefix) => {
          const added = tails.map((t) => prefix + t);
          // Probes with and without the prefix (a prefix cut short, or another root).
          const probes = probeTails.flatMap((t) => [prefix + t, t, prefix.slice(1) + t]);
          const index = new AddressIndex(16, undefined, prefix);
          const model = new Map<string, number>();
          added.forEach((a, i) => {
            index.add(a, i);
            model.set(a, i);
          });
          for (const a of [...added, ...probes]) assert.equal(index.get(a), model.get(a) ?? -1);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
