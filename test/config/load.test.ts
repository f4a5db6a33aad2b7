import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HelpRequested, helpText, loadRegistryConfig } from '../../src/config/index.ts';
import { assertUsageError, DEFAULT_YAML, load, memoryFiles, siteYaml } from './helpers.ts';

describe('loadRegistryConfig with the default site config', () => {
  it('finds the RegistryAgent instance on "localhost" when the host name is not listed', () => {
    const c = load([]);
    assert.deepEqual({
      ...c,
      liveness: { ...c.liveness, classTimeouts: { ...c.liveness.classTimeouts }, flapping: { ...c.liveness.flapping } },
      httpApi: { ...c.httpApi, corsOrigins: [...c.httpApi.corsOrigins] },
      sim: { ...c.sim },
      warnings: [...c.warnings],
      serializers: [...c.serializers],
    }, {
      hub: 'ws://127.0.0.1:18001/ws',
      http: 'http://127.0.0.1:18001/call',
      realm: 'test_realm',
      addressRoot: 'observatory',
      instanceId: 'registry',
      address: 'observatory.registry',
      waitTime: 30,
      agentTimeout: 5,
      maxAgents: 100000,
      serializers: ['json.batched', 'json'],
      maxMessageSize: 16777216,
      liveness: { classTimeouts: {}, suspectAfter: 2, flapping: { limit: 3, window: 600 }, siteRereadSeconds: 60, forgetAfter: null },
      crossbarTimeout: 10,
      logDir: './log/',
      workingDir: null,
      stateFile: './log/observatory.registry.state.json',
      standby: false,
      accessPolicy: null,
      httpApi: { port: null, host: '127.0.0.1', token: null, corsOrigins: [] },
      sim: { enabled: false, agents: 200 },
      siteFile: '/cfg/default.yaml',
      siteHost: 'localhost',
      warnings: [],
    });
  });

  it('keeps the state file beside the log by default, where --state-file says, or nowhere with "none"', () => {
    assert.equal(load(['--log-dir', 'logs', '--working-dir', '/srv/ocs/']).stateFile, '/srv/ocs/logs/observatory.registry.state.json');
    assert.equal(load(['--state-file', '/var/reg.json']).stateFile, '/var/reg.json');
    assert.equal(load(['--state-file', 'none']).stateFile, null);
    assert.equal(load(['--standby']).standby, true);
  });

  it('is frozen, nested parts too', () => {
    const c = load([]);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.httpApi) && Object.isFrozen(c.sim) && Object.isFrozen(c.warnings));
  });

  it('accepts the OCS integration harness invocation', () => {
    const c = load(['--site-file', './default.yaml', '--log-dir', '/abs/log/'], {
      env: { OCS_CONFIG_DIR: '/elsewhere' },
      files: { './default.yaml': DEFAULT_YAML },
    });
    assert.equal(c.address, 'observatory.registry');
    assert.equal(c.siteFile, './default.yaml');
    assert.equal(c.logDir, '/abs/log/');
  });

  it('reads --site NAME from $OCS_CONFIG_DIR, with or without a trailing slash', () => {
    const files = { '/etc/ocs/lab.yaml': DEFAULT_YAML };
    assert.equal(load(['--site', 'lab'], { env: { OCS_CONFIG_DIR: '/etc/ocs/' }, files }).siteFile, '/etc/ocs/lab.yaml');
    assert.equal(load(['--site=lab'], { env: { OCS_CONFIG_DIR: '/etc/ocs' }, files }).siteFile, '/etc/ocs/lab.yaml');
  });

  it('uses the machine host name to pick the host block, with its overrides', () => {
    const c = load([], { hostname: 'ocs-docker' });
    assert.equal(c.siteHost, 'ocs-docker');
    assert.equal(c.instanceId, 'registry-docker');
    assert.equal(c.hub, 'ws://crossbar:8001/ws');
    assert.equal(c.http, 'http://crossbar:8001/call');
    assert.equal(c.realm, 'docker_realm');
    assert.equal(c.addressRoot, 'observatory', 'a host block does not override address_root');
    assert.equal(c.logDir, '/simonsobs/log/ocs/');
  });

  it('lets --site-host choose the host block over the machine host name', () => {
    assert.equal(load(['--site-host', 'ocs-docker'], { hostname: 'localhost' }).siteHost, 'ocs-docker');
    assert.equal(load(['--site-host', 'unknown'], { hostname: 'ocs-docker' }).siteHost, 'localhost');
  });

  it('falls back to "localhost" when the host name is empty', () => {
    assert.equal(load([], { hostname: '' }).siteHost, 'localhost');
  });

  it('takes the instance named by --instance-id, whatever its class', () => {
    const yaml = siteYaml(`  localhost:
    agent-instances:
      - {agent-class: RegistryAgent, instance-id: reg}
      - {agent-class: FakeDataAgent, instance-id: fake, arguments: [--wait-time, '3']}
`);
    const c = load(['--instance-id', 'fake'], { files: { '/cfg/default.yaml': yaml } });
    assert.equal(c.address, 'root.fake');
    assert.equal(c.waitTime, 3);
  });

  it('merges the instance arguments; the command line wins per flag', () => {
    const c = load(['--wait=15', '--site-realm', 'cl_realm'], { hostname: 'ocs-docker' });
    assert.equal(c.waitTime, 15, 'command line (abbreviated) beats --wait-time 10 from the site config');
    assert.equal(c.crossbarTimeout, 0, 'instance argument beats the host crossbar_timeout');
    assert.equal(c.accessPolicy, 'director:access-dir');
    assert.equal(c.realm, 'cl_realm', 'command line beats the host block');
    assert.equal(load(['--crossbar-timeout', '5'], { hostname: 'ocs-docker' }).crossbarTimeout, 5);
  });

  it('lets instance arguments override the hub and host values', () => {
    const yaml = siteYaml(`  localhost:
    log-dir: /hostlog
    wamp_realm: host_realm
    agent-instances:
      - agent-class: RegistryAgent
        instance-id: reg
        arguments: [[--site-hub, ws://inst/ws], [--site-realm, inst_realm], [--log-dir, /instlog], [--address-root, instroot]]
`);
    const c = load([], { files: { '/cfg/default.yaml': yaml } });
    assert.equal(c.hub, 'ws://inst/ws');
    assert.equal(c.realm, 'inst_realm');
    assert.equal(c.logDir, '/instlog');
    assert.equal(c.address, 'instroot.reg');
  });

  it('flattens nested argument lists and turns values into strings', () => {
    const yaml = siteYaml(`  localhost:
    agent-instances:
      - agent-class: RegistryAgent
        instance-id: 7
        arguments: [[--wait-time, [12]], --max-agents, 99, [[--agent-timeout], 1.5], [--sim]]
`);
    const c = load([], { files: { '/cfg/default.yaml': yaml } });
    assert.equal(c.instanceId, '7');
    assert.equal(c.waitTime, 12);
    assert.equal(c.maxAgents, 99);
    assert.equal(c.agentTimeout, 1.5);
    assert.equal(c.sim.enabled, true);
  });

  it('does not let an --instance-id in the instance arguments rename the instance', () => {
    const yaml = siteYaml(`  localhost:
    agent-instances:
      - {agent-class: RegistryAgent, instance-id: reg, arguments: [--instance-id, other]}
`);
    assert.equal(load([], { files: { '/cfg/default.yaml': yaml } }).instanceId, 'reg');
  });

  it('reads the host crossbar timeout under both spellings (Q15); the underscore one wins', () => {
    const yaml = (keys: string) =>
      siteYaml(`  localhost:
    ${keys}
    agent-instances: [{agent-class: RegistryAgent, instance-id: reg}]
`);
    const timeout = (keys: string) => load([], { files: { '/cfg/default.yaml': yaml(keys) } }).crossbarTimeout;
    assert.equal(timeout('crossbar_timeout: 20'), 20);
    assert.equal(timeout('crossbar-timeout: 25'), 25);
    assert.equal(timeout('crossbar-timeout: 25\n    crossbar_timeout: 20'), 20);
    assert.equal(timeout('crossbar_timeout: 0'), 0);
  });

  it('reads hub.access_policy and ignores hub.registry_address', () => {
    const yaml = siteYaml(
      `  localhost:
    agent-instances: [{agent-class: RegistryAgent, instance-id: reg}]
`,
      'wamp_server: ws://h/ws\n  wamp_realm: r\n  address_root: a\n  access_policy: override:pw2,pw3\n  registry_address: a.reg',
    );
    const c = load([], { files: { '/cfg/default.yaml': yaml } });
    assert.equal(c.accessPolicy, 'override:pw2,pw3');
    assert.equal(c.http, null, 'wamp_http is optional');
  });

  it('reads YAML 1.1 like PyYAML (yes means True)', () => {
    const yaml = siteYaml(`  localhost:
    agent-instances: [{agent-class: RegistryAgent, instance-id: reg, arguments: [--site-realm, yes]}]
`);
    assert.equal(load([], { files: { '/cfg/default.yaml': yaml } }).realm, 'True');
  });

  it('accepts --registry-address with no effect but a warning', () => {
    const c = load(['--registry-address', 'x.y']);
    assert.equal(c.address, 'observatory.registry');
    assert.deepEqual([...c.warnings], ['The "--registry-address" option is deprecated and has no effect']);
  });

  it('passes the HTTP API, simulator and working-dir options through', () => {
    const c = load(['--http-port', '0', '--http-host', '::', '--http-cors', 'https://a.example, *', '--sim', '--sim-agents', '5000', '--working-dir', '/w']);
    assert.deepEqual({ ...c.httpApi, corsOrigins: [...c.httpApi.corsOrigins] }, { port: 0, host: '::', token: null, corsOrigins: ['https://a.example', '*'] });
    assert.deepEqual({ ...c.sim }, { enabled: true, agents: 5000 });
    assert.equal(c.workingDir, '/w');
  });
});

describe('environment (as ocs-agent-cli)', () => {
  it('turns INSTANCE_ID, SITE_HUB, SITE_HTTP, SITE_HOST and CROSSBAR_TIMEOUT into options', () => {
    const c = load([], {
      env: {
        OCS_CONFIG_DIR: '/cfg',
        INSTANCE_ID: 'registry-docker',
        SITE_HUB: 'ws://e/ws',
        SITE_HTTP: 'http://e/call',
        SITE_HOST: 'ocs-docker',
        CROSSBAR_TIMEOUT: '3',
      },
    });
    assert.equal(c.siteHost, 'ocs-docker');
    assert.equal(c.instanceId, 'registry-docker');
    assert.equal(c.hub, 'ws://e/ws');
    assert.equal(c.http, 'http://e/call');
    assert.equal(c.crossbarTimeout, 3);
    assert.equal(load([], { env: { OCS_CONFIG_DIR: '/cfg', INSTANCE_ID: 'registry' } }).instanceId, 'registry');
  });

  it('lets the command line win over the environment, and the environment over the instance arguments', () => {
    const env = { OCS_CONFIG_DIR: '/cfg', SITE_HOST: 'ocs-docker', CROSSBAR_TIMEOUT: '3', SITE_HUB: 'ws://e/ws' };
    const c = load(['--site-hub', 'ws://cl/ws'], { env });
    assert.equal(c.hub, 'ws://cl/ws');
    assert.equal(c.crossbarTimeout, 3, 'beats --crossbar-timeout 0 in the instance arguments');
  });

  it('names the variable in a bad value', () => {
    assertUsageError(
      () => load([], { env: { OCS_CONFIG_DIR: '/cfg', CROSSBAR_TIMEOUT: 'soon' } }),
      'Invalid value for "--crossbar-timeout": "soon" is not an integer (from environment variable CROSSBAR_TIMEOUT)',
    );
  });
});

describe('--site none', () => {
  it('needs no file when hub, realm, root and instance are given', () => {
    const c = load(['--site', 'none', '--site-hub', 'ws://h/ws', '--site-realm', 'r', '--address-root', 'a', '--instance-id', 'reg'], { env: {} });
    assert.equal(c.siteFile, null);
    assert.equal(c.siteHost, null);
    assert.equal(c.address, 'a.reg');
    assert.equal(c.crossbarTimeout, 10);
    assert.equal(c.http, null);
  });

  it('names everything that is missing', () => {
    assertUsageError(
      () => load(['--site', 'none'], { env: {} }),
      'Missing --site-hub, --site-realm, --address-root and --instance-id (needed with --site none)',
    );
    assertUsageError(
      () => load(['--site=none', '--site-hub', 'ws://h/ws', '--site-realm', 'r', '--instance-id', 'x'], { env: {} }),
      'Missing --address-root (needed with --site none)',
    );
  });

  it('wins over --site-file, as in Python', () => {
    assert.equal(load(['--site', 'none', '--site-file', '/nope.yaml', '--sim'], { env: {} }).siteFile, null);
  });

  it('with --sim, defaults to test_realm, observatory and registry and needs no hub', () => {
    const c = load(['--sim', '--site', 'none'], { env: {} });
    assert.equal(c.hub, null);
    assert.equal(c.realm, 'test_realm');
    assert.equal(c.address, 'observatory.registry');
  });
});

describe('site config errors', () => {
  const onlyHost = (instances: string) => siteYaml(`  localhost:\n    agent-instances: ${instances}\n`);
  const withFile = (text: string) => ({ files: { '/cfg/default.yaml': text } });

  it('needs OCS_CONFIG_DIR unless --site-file is given', () => {
    assertUsageError(
      () => load([], { env: {} }),
      'Environment variable OCS_CONFIG_DIR is not set: it must name the directory of "default.yaml" (or pass --site-file PATH, or --site none)',
    );
    assertUsageError(() => load(['--site', 'lab'], { env: { OCS_CONFIG_DIR: '' } }), /directory of "lab\.yaml"/);
  });

  it('refuses --site with --site-file', () => {
    assertUsageError(() => load(['--site', 'lab', '--site-file', '/x.yaml']), 'Pass either --site or --site-file, not both (got --site "lab")');
  });

  it('names a file it cannot read', () => {
    assertUsageError(() => load(['--site', 'nope']), 'Cannot read site config "/cfg/nope.yaml": ENOENT: no such file or directory, open \'/cfg/nope.yaml\'');
  });

  it('names the file and the line of malformed YAML', () => {
    assertUsageError(() => load([], withFile('hub: {wamp_server: [\nhosts: x\n')), /^Site config "\/cfg\/default\.yaml" is not valid YAML: .*line \d+/);
  });

  it('refuses a file that is not a mapping or has no hub', () => {
    assertUsageError(() => load([], withFile('')), 'Site config "/cfg/default.yaml" is not a YAML mapping');
    assertUsageError(() => load([], withFile('- a\n')), 'Site config "/cfg/default.yaml" is not a YAML mapping');
    assertUsageError(() => load([], withFile('hosts: {}\n')), 'Site config "/cfg/default.yaml" has no "hub" mapping');
  });

  it('names a hub value of the wrong type', () => {
    assertUsageError(
      () => load([], withFile(siteYaml('  localhost: {}\n', 'wamp_realm: 5'))),
      '"hub.wamp_realm" in "/cfg/default.yaml" must be a string, got 5',
    );
  });

  it('names a missing hub address_root, unless --address-root is given', () => {
    const yaml = siteYaml(
      `  localhost:
    agent-instances: [{agent-class: RegistryAgent, instance-id: reg}]
`,
      'wamp_server: ws://h/ws\n  wamp_realm: r',
    );
    assertUsageError(() => load([], withFile(yaml)), 'Missing hub.address_root in "/cfg/default.yaml" (or pass --address-root)');
    assert.equal(load(['--address-root', 'a'], withFile(yaml)).address, 'a.reg');
  });

  it('names several missing hub values at once', () => {
    const yaml = siteYaml(
      `  localhost:
    agent-instances: [{agent-class: RegistryAgent, instance-id: reg}]
`,
      'address_root: a',
    );
    assertUsageError(
      () => load([], withFile(yaml)),
      'Missing hub.wamp_server and hub.wamp_realm in "/cfg/default.yaml" (or pass --site-hub and --site-realm)',
    );
    assert.equal(load(['--sim', '--site-realm', 'r'], withFile(yaml)).hub, null, '--sim needs no hub');
  });

  it('names a host that is not there (nor localhost)', () => {
    const yaml = siteYaml(`  other:\n    agent-instances: []\n`);
    assertUsageError(
      () => load([], { ...withFile(yaml), hostname: 'box' }),
      'Site config "/cfg/default.yaml" has no entry in "hosts" for "box" (nor for "localhost")',
    );
    assertUsageError(() => load([], { ...withFile(yaml), hostname: '' }), 'Site config "/cfg/default.yaml" has no entry in "hosts" for "localhost"');
  });

  it('reports no RegistryAgent instance', () => {
    assertUsageError(
      () => load([], withFile(onlyHost('[{agent-class: FakeDataAgent, instance-id: f}]'))),
      'No instance of agent-class "RegistryAgent" on host "localhost" in "/cfg/default.yaml"; pass --instance-id',
    );
  });

  it('reports two RegistryAgent instances', () => {
    const yaml = onlyHost('[{agent-class: RegistryAgent, instance-id: r1}, {agent-class: RegistryAgent, instance-id: r2}]');
    assertUsageError(
      () => load([], withFile(yaml)),
      '2 instances of agent-class "RegistryAgent" on host "localhost" in "/cfg/default.yaml" ("r1", "r2"); pass --instance-id to choose one',
    );
    assert.equal(load(['--instance-id', 'r2'], withFile(yaml)).instanceId, 'r2');
  });

  it('reports an --instance-id that is not on the host', () => {
    assertUsageError(() => load(['--instance-id', 'fake-data1']), 'No instance "fake-data1" on host "localhost" in "/cfg/default.yaml"');
  });

  it('names bad instance arguments and where they came from', () => {
    assertUsageError(
      () => load(['--instance-id', 'fake-data-local']),
      'Unknown option "--mode" (in the arguments of instance "fake-data-local" in "/cfg/default.yaml")',
    );
    assertUsageError(
      () => load([], withFile(onlyHost('[{agent-class: RegistryAgent, instance-id: r, arguments: [--wait-time, x]}]'))),
      'Invalid value for "--wait-time": "x" is not a number (in the arguments of instance "r" in "/cfg/default.yaml")',
    );
  });

  it('names malformed host blocks and instances', () => {
    assertUsageError(() => load([], withFile(siteYaml('  localhost:\n'))), '"hosts.localhost" in "/cfg/default.yaml" must be a mapping');
    assertUsageError(() => load([], withFile(onlyHost('{}'))), '"hosts.localhost.agent-instances" in "/cfg/default.yaml" must be a list');
    assertUsageError(
      () => load([], withFile(onlyHost('[{agent-class: RegistryAgent}]'))),
      '"hosts.localhost.agent-instances[0]" in "/cfg/default.yaml" has no "instance-id"',
    );
    assertUsageError(
      () => load([], withFile(onlyHost('[{agent-class: RegistryAgent, instance-id: r, arguments: --sim}]'))),
      '"hosts.localhost.agent-instances[0].arguments" in "/cfg/default.yaml" must be a list',
    );
    assertUsageError(
      () => load([], withFile(onlyHost('[{agent-class: RegistryAgent, instance-id: r, arguments: [{a: 1}]}]'))),
      '"hosts.localhost.agent-instances[0].arguments" in "/cfg/default.yaml" may hold only strings, numbers and lists',
    );
    assertUsageError(
      () => load([], withFile(siteYaml('  localhost:\n    crossbar_timeout: soon\n    agent-instances: []\n'))),
      '"hosts.localhost.crossbar_timeout" in "/cfg/default.yaml" must be a number of seconds (0 or more), got "soon"',
    );
  });

  it('reports command-line errors before reading any file', () => {
    assertUsageError(() => load(['--wait-time', 'abc'], { env: {} }), 'Invalid value for "--wait-time": "abc" is not a number');
  });
});

describe('help', () => {
  it('throws HelpRequested carrying the help text instead of loading', () => {
    assert.throws(
      () => loadRegistryConfig(['--site-file', '/missing.yaml', '-h'], {}, { hostname: '', readFile: memoryFiles({}) }),
      (e: unknown) => e instanceof HelpRequested && e.text === helpText(),
    );
  });
});

describe('HTTP API token', () => {
  it('comes from --http-token, else OCS_REGISTRY_HTTP_TOKEN (kept out of ps), else none', () => {
    assert.equal(load(['--http-token', 'cli']).httpApi.token, 'cli');
    assert.equal(load([], { env: { OCS_CONFIG_DIR: '/cfg', OCS_REGISTRY_HTTP_TOKEN: 'env' } }).httpApi.token, 'env');
    assert.equal(load(['--http-token', 'cli'], { env: { OCS_CONFIG_DIR: '/cfg', OCS_REGISTRY_HTTP_TOKEN: 'env' } }).httpApi.token, 'cli');
    assert.equal(load([]).httpApi.token, null);
  });
});

describe('liveness options', () => {
  it('reads per-class timeouts, the suspect threshold and the flapping rule', () => {
    const c = load(['--agent-timeout-class', 'AggregatorAgent=30, HWPBBBAgent=12.5', '--suspect-after', '4', '--flap-limit', '5', '--flap-window=120']);
    assert.deepEqual({ ...c.liveness.classTimeouts }, { AggregatorAgent: 30, HWPBBBAgent: 12.5 });
    assert.equal(c.liveness.suspectAfter, 4);
    assert.deepEqual({ ...c.liveness.flapping }, { limit: 5, window: 120 });
  });

  it('reads --forget-after; absent or 0 is never (as Python), a negative one is refused', () => {
    assert.equal(load(['--forget-after', '3600']).liveness.forgetAfter, 3600);
    assert.equal(load(['--forget-after=0.5']).liveness.forgetAfter, 0.5);
    assert.equal(load([]).liveness.forgetAfter, null);
    assert.equal(load(['--forget-after', '0']).liveness.forgetAfter, null);
    assertUsageError(() => load(['--forget-after', '-1']), /--forget-after/);
    assertUsageError(() => load(['--forget-after', 'soon']), /--forget-after/);
  });

  it('refuses a class timeout that is not CLASS=SECONDS with positive seconds', () => {
    assertUsageError(
      () => load(['--agent-timeout-class', 'AggregatorAgent']),
      'Invalid value for "--agent-timeout-class": "AggregatorAgent" is not CLASS=SECONDS',
    );
    assertUsageError(
      () => load(['--agent-timeout-class', 'A=0']),
      'Invalid value for "--agent-timeout-class": the timeout of "A" must be a positive number of seconds',
    );
    assertUsageError(
      () => load(['--agent-timeout-class', 'A=']),
      'Invalid value for "--agent-timeout-class": the timeout of "A" must be a positive number of seconds',
    );
  });
});

describe('loadRegistryConfig: --serializer', () => {
  it('takes a list of serializers to offer, in order; refuses a name no WAMP serializer has', () => {
    assert.deepEqual(load(['--serializer', 'cbor.batched, cbor,wamp.2.msgpack,json']).serializers, ['cbor.batched', 'cbor', 'wamp.2.msgpack', 'json']);
    assertUsageError(() => load(['--serializer', 'cbor,xml']), /--serializer: unknown serializer "xml"; use json, msgpack or cbor, each also \.batched/);
  });
});
