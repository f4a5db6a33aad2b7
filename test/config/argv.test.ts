import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPTIONS, parseArgv, wantsHelp } from '../../src/config/index.ts';
import { assertUsageError } from './helpers.ts';

describe('parseArgv', () => {
  it('reads every option, string and numeric, in "--flag value" form', () => {
    const argv = [
      '--wait-time',
      '12.5',
      '--site-hub',
      'ws://a/ws',
      '--site-http',
      'http://a/call',
      '--site-realm',
      'rr',
      '--address-root',
      'obs',
      '--instance-id',
      'reg',
      '--site',
      'lab',
      '--site-file',
      '/x.yaml',
      '--site-host',
      'h1',
      '--registry-address',
      'obs.reg',
      '--log-dir',
      '/log',
      '--working-dir',
      '/w',
      '--crossbar-timeout',
      '7',
      '--access-policy',
      'director:ad',
      '--agent-timeout',
      '2.5',
      '--agent-timeout-class',
      'AggregatorAgent=30',
      '--suspect-after',
      '3',
      '--flap-limit',
      '4',
      '--flap-window',
      '120',
      '--site-reread',
      '0',
      '--forget-after',
      '3600',
      '--max-agents',
      '50',
      '--serializer',
      'cbor,json',
      '--max-message-size',
      '65536',
      '--http-port',
      '8080',
      '--http-host',
      '0.0.0.0',
      '--http-token',
      't0k',
      '--http-cors',
      'https://a.example,https://b.example',
      '--sim',
      '--sim-agents',
      '3',
      '--state-file',
      '/var/ocs/registry.json',
      '--standby',
      '--help',
      '--version',
    ];
    const v = parseArgv(argv);
    assert.deepEqual(Object.fromEntries(v), {
      '--wait-time': 12.5,
      '--site-hub': 'ws://a/ws',
      '--site-http': 'http://a/call',
      '--site-realm': 'rr',
      '--address-root': 'obs',
      '--instance-id': 'reg',
      '--site': 'lab',
      '--site-file': '/x.yaml',
      '--site-host': 'h1',
      '--registry-address': 'obs.reg',
      '--log-dir': '/log',
      '--working-dir': '/w',
      '--crossbar-timeout': 7,
      '--access-policy': 'director:ad',
      '--agent-timeout': 2.5,
      '--agent-timeout-class': 'AggregatorAgent=30',
      '--suspect-after': 3,
      '--flap-limit': 4,
      '--flap-window': 120,
      '--site-reread': 0,
      '--forget-after': 3600,
      '--max-agents': 50,
      '--serializer': 'cbor,json',
      '--max-message-size': 65536,
      '--http-port': 8080,
      '--http-host': '0.0.0.0',
      '--http-token': 't0k',
      '--http-cors': 'https://a.example,https://b.example',
      '--sim': true,
      '--sim-agents': 3,
      '--state-file': '/var/ocs/registry.json',
      '--standby': true,
      '--help': true,
      '--version': true,
    });
    // The test above names every option in the table.
    assert.deepEqual([...v.keys()].sort(), OPTIONS.map((o) => o.flag).sort());
  });

  it('reads "--flag=value", including empty values and values with "="', () => {
    const v = parseArgv(['--wait-time=5', '--site-hub=ws://h/ws?a=b', '--log-dir=', '--site-realm=-x']);
    assert.equal(v.get('--wait-time'), 5);
    assert.equal(v.get('--site-hub'), 'ws://h/ws?a=b');
    assert.equal(v.get('--log-dir'), '');
    assert.equal(v.get('--site-realm'), '-x');
  });

  it('accepts unambiguous prefixes, as argparse does by default', () => {
    const v = parseArgv(['--wait', '3', '--inst=x', '--addr', 'r', '--cross', '4', '--site-f', '/f', '--sim-a', '9']);
    assert.equal(v.get('--wait-time'), 3);
    assert.equal(v.get('--instance-id'), 'x');
    assert.equal(v.get('--address-root'), 'r');
    assert.equal(v.get('--crossbar-timeout'), 4);
    assert.equal(v.get('--site-file'), '/f');
    assert.equal(v.get('--sim-agents'), 9);
  });

  it('prefers an exact name over a longer option it prefixes', () => {
    const v = parseArgv(['--site', 'lab', '--sim']);
    assert.equal(v.get('--site'), 'lab');
    assert.equal(v.get('--sim'), true);
  });

  it('lets the last of a repeated option win', () => {
    assert.equal(parseArgv(['--wait-time', '1', '--wait=2']).get('--wait-time'), 2);
  });

  it('takes a negative number as a value (and then refuses it)', () => {
    assertUsageError(() => parseArgv(['--wait-time', '-1']), 'Invalid value for "--wait-time": "-1" must not be negative');
  });

  it('follows Python float() and int() syntax', () => {
    assert.equal(parseArgv(['--wait-time', ' 1_000.5 ']).get('--wait-time'), 1000.5);
    assert.equal(parseArgv(['--wait-time', '.5']).get('--wait-time'), 0.5);
    assert.equal(parseArgv(['--wait-time', '1e1']).get('--wait-time'), 10);
    assert.equal(parseArgv(['--wait-time', '+3.']).get('--wait-time'), 3);
    assert.equal(parseArgv(['--crossbar-timeout', '007']).get('--crossbar-timeout'), 7);
  });

  it('treats "--" as the end of options', () => {
    assert.deepEqual(Object.fromEntries(parseArgv(['--sim', '--'])), { '--sim': true });
    assertUsageError(() => parseArgv(['--', '--sim']), 'Unexpected argument "--sim"');
  });
});

describe('parseArgv errors', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], string]> = [
    ['unknown option', ['--frobnicate', '1'], 'Unknown option "--frobnicate"'],
    ['unknown option with =', ['--frob=1'], 'Unknown option "--frob"'],
    ['unknown short option', ['-x'], 'Unknown option "-x"'],
    ['positional word', ['registry'], 'Unexpected argument "registry"'],
    ['ambiguous prefix', ['--site-h', 'x'], 'Ambiguous option "--site-h": could be --site-host, --site-hub or --site-http'],
    ['ambiguous prefix with =', ['--http=1'], 'Ambiguous option "--http": could be --http-port, --http-host, --http-token or --http-cors'],
    ['missing value at the end', ['--wait-time'], 'Missing value for "--wait-time"'],
    ['missing value before an option', ['--site-hub', '--sim'], 'Missing value for "--site-hub"'],
    ['missing value before "--"', ['--site-hub', '--'], 'Missing value for "--site-hub"'],
    ['float not a number', ['--wait-time', 'abc'], 'Invalid value for "--wait-time": "abc" is not a number'],
    ['float empty', ['--wait-time='], 'Invalid value for "--wait-time": "" is not a number'],
    ['float not finite', ['--agent-timeout', 'inf'], 'Invalid value for "--agent-timeout": "inf" is not a finite number'],
    ['negative float', ['--agent-timeout=-0.5'], 'Invalid value for "--agent-timeout": "-0.5" must not be negative'],
    ['int with a fraction', ['--crossbar-timeout', '1.5'], 'Invalid value for "--crossbar-timeout": "1.5" is not an integer'],
    ['negative int', ['--crossbar-timeout', '-3'], 'Invalid value for "--crossbar-timeout": "-3" must not be negative'],
    ['int below its minimum', ['--max-agents', '0'], 'Invalid value for "--max-agents": "0" must be at least 1'],
    ['int above its maximum', ['--http-port', '70000'], 'Invalid value for "--http-port": "70000" must be at most 65535'],
    ['int too large', ['--sim-agents', '99999999999999999999'], 'Invalid value for "--sim-agents": "99999999999999999999" is too large'],
    ['flag with a value', ['--sim=yes'], 'Option "--sim" takes no value, got "yes"'],
  ];
  for (const [what, argv, message] of cases) {
    it(what, () => assertUsageError(() => parseArgv(argv), message));
  }

  it('appends where the arguments came from', () => {
    assertUsageError(() => parseArgv(['--nope'], ' (in X)'), 'Unknown option "--nope" (in X)');
  });
});

describe('wantsHelp', () => {
  it('finds -h, --help and its prefixes anywhere before "--"', () => {
    assert.equal(wantsHelp(['-h']), true);
    assert.equal(wantsHelp(['--site', 'x', '--help']), true);
    assert.equal(wantsHelp(['--he']), true);
    assert.equal(wantsHelp(['--', '--help']), false);
    assert.equal(wantsHelp(['--site-h', 'x']), false);
    assert.equal(wantsHelp([]), false);
  });
});
