import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenarioText, scenarioFromFlags } from '../../sim/swarm/scenario-args.ts';
import { UsageError } from '../../src/config/errors.ts';
import { DEFAULT_SCENARIO } from '../../sim/swarm/scenario.ts';
import { parseSwarmArgs } from '../../sim/swarm/cli.ts';

const flags = (...argv: string[]) => parseSwarmArgs(argv);
const noFile = () => {
  throw new Error('no file expected');
};

describe('swarm scenario', () => {
  it('has defaults', () => {
    const s = scenarioFromFlags(flags(), noFile);
    assert.deepEqual(s, { ...DEFAULT_SCENARIO });
    assert.equal(s.rate, 1);
    assert.equal(s.ops, 'realistic');
  });

  it('takes flags, in both --key value and --key=value form', () => {
    const s = scenarioFromFlags(
      flags(
        '--agents',
        '1000',
        '--rate=2',
        '--jitter',
        '0.1',
        '--crash-per-min',
        '1',
        '--restart-after',
        'never',
        '--seed',
        '42',
        '--duration',
        '60',
        '--ops',
        '7',
      ),
      noFile,
    );
    assert.equal(s.agents, 1000);
    assert.equal(s.rate, 2);
    assert.equal(s.jitter, 0.1);
    assert.equal(s.crashPerMin, 1);
    assert.equal(s.restartAfter, null);
    assert.equal(s.seed, 42);
    assert.equal(s.ops, 7);
  });

  it('reads a YAML or JSON file, either key spelling; flags win', () => {
    const yaml = parseScenarioText('agents: 500\ncrash-per-min: 3\nhbOffSeconds: 12\nname: node-{i}\n', 'test');
    const json = parseScenarioText('{"agents": 500, "crashPerMin": 3, "hb-off-seconds": 12, "name": "node-{i}"}', 'test');
    assert.deepEqual(yaml, { agents: 500, 'crash-per-min': 3, hbOffSeconds: 12, name: 'node-{i}' });
    const s = scenarioFromFlags(flags('--scenario', 'x.yaml', '--agents', '7'), () => json);
    assert.equal(s.agents, 7);
    assert.equal(s.crashPerMin, 3);
    assert.equal(s.hbOffSeconds, 12);
    assert.equal(s.name, 'node-{i}');
  });

  it('rejects bad values with one clear line', () => {
    const bad: [string[], RegExp][] = [
      [['--agents', 'many'], /Scenario "agents" must be a number, got "many"\./],
      [['--agents', '1.5'], /"agents" must be a whole number/],
      [['--rate', '0'], /"rate" must be greater than 0/],
      [['--jitter', '2'], /"jitter" must be at most 0.9/],
      [['--partition-size', '-1'], /"partitionSize" must be at least 0/],
      [['--ops', 'lots'], /"ops" must be a number/],
      [['--name', 'agent'], /"name" must contain \{i\}/],
      [['--restart-after', '-3'], /"restartAfter" must be a number of seconds >= 0 or "never"/],
    ];
    for (const [argv, message] of bad) {
      assert.throws(
        () => scenarioFromFlags(flags(...argv), noFile),
        (err: unknown) => err instanceof UsageError && message.test(err.message) && !err.message.includes('\n'),
      );
    }
    assert.throws(() => flags('--agnets', '5'), /unknown option "--agnets"/);
    assert.throws(() => flags('--agents'), /--agents needs a value/);
    assert.throws(() => flags('--quiet=yes'), /--quiet takes no value/);
    assert.throws(() => flags('extra'), /unexpected argument "extra"/);
    assert.throws(() => scenarioFromFlags(flags('--scenario', 'f'), () => ({ agentz: 1 })), /Unknown scenario key "agentz" in file "f"/);
    assert.throws(() => parseScenarioText('- 1\n- 2\n', 'file "f"'), /must be a mapping/);
    assert.throws(() => parseScenarioText('a: [', 'file "f"'), /Cannot read scenario file "f"/);
  });
});
