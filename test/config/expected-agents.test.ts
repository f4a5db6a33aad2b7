import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readExpectedAgents, readManage } from '../../src/config/expected-agents.ts';
import { DEFAULT_YAML, memoryFiles } from './helpers.ts';

const SITE = `
hub: { wamp_server: 'ws://x/ws', wamp_realm: r, address_root: obs }
hosts:
  h1:
    agent-instances:
      - { agent-class: HostManager, instance-id: hm-h1 }
      - { agent-class: FakeDataAgent, instance-id: fake1 }
      - { agent-class: FakeDataAgent, instance-id: fake2, manage: no }
      - { agent-class: FakeDataAgent, instance-id: fake3, manage: docker/down }
      - { agent-class: FakeDataAgent, instance-id: fake4, manage: sideways }
      - { agent-class: FakeDataAgent }
  h2:
    agent-instances:
      - { agent-class: AggregatorAgent, instance-id: agg, manage: docker }
      - { agent-class: FakeDataAgent, instance-id: fake1 }
`;

describe('readExpectedAgents', () => {
  it('reads manage as HostManager does (absent: host/up; yes/no; invalid: null)', () => {
    assert.equal(readManage(undefined), 'host/up');
    assert.equal(readManage('yes'), 'host/up');
    assert.equal(readManage(true), 'host/up');
    assert.equal(readManage('no'), 'ignore');
    assert.equal(readManage(false), 'ignore');
    assert.equal(readManage('docker'), 'docker/up');
    assert.equal(readManage('down'), 'host/down');
    assert.equal(readManage('sideways'), null);
  });

  it("reads every host's agent-instances with manage as HostManager does, warning as it does", () => {
    const read = readExpectedAgents('/s.yaml', 'obs', memoryFiles({ '/s.yaml': SITE }));
    assert.deepEqual(read.agents.map((a) => [a.address, a.host, a.manage, a.up]), [
      ['obs.hm-h1', 'h1', 'ignore', true],
      ['obs.fake1', 'h1', 'host/up', true],
      ['obs.fake2', 'h1', 'ignore', false],
      ['obs.fake3', 'h1', 'docker/down', false],
      ['obs.agg', 'h2', 'docker/up', true],
    ]);
    assert.deepEqual(read.warnings, [
      'Host "h1": invalid manage="sideways" for instance "fake4"; not expected',
      'Host "h1": ignoring an entry with no instance-id',
      'Host "h2": instance-id "fake1" has multiple entries; ignoring repeats',
    ]);
  });

  it("reads the OCS test site config's hosts", () => {
    const read = readExpectedAgents('/cfg/default.yaml', 'observatory', memoryFiles({ '/cfg/default.yaml': DEFAULT_YAML }));
    const local = read.agents.filter((a) => a.host === 'localhost').map((a) => [a.address, a.up]);
    assert.deepEqual(local, [
      ['observatory.host-manager-1', true],
      ['observatory.fake-data-local', false],
      ['observatory.registry', true],
      ['observatory.aggregator-local', false],
      ['observatory.influxagent-local', true],
    ]);
  });
});
