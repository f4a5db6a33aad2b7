// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// The shipped Grafana dashboards and alert rules: valid files, the op-code
// colour mapping the page uses, and only metric names /metrics really writes.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { OP_CODE_NAMES } from '../../src/core/index.ts';
import { type HttpHarness, startHttp } from './helpers.ts';
import { parsePrometheus } from './prometheus-parse.ts';

const DIR = new URL('../../grafana/', import.meta.url).pathname;
const read = (name: string) => readFileSync(DIR + name, 'utf8');
const dashboards = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const rules = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

/** Every op-code value mapping anywhere in a dashboard. */
function opCodeMappings(node: unknown, found: Record<string, { text: string }>[] = []): Record<string, { text: string }>[] {
  if (Array.isArray(node)) node.forEach((n) => opCodeMappings(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, any>;
    if (o.type === 'value' && o.options?.['7']) found.push(o.options);
    Object.values(o).forEach((v) => opCodeMappings(v, found));
  }
  return found;
}

describe('grafana/', () => {
  let metricNames: Set<string>;
  let h: HttpHarness;
  before(async () => {
    h = await startHttp();
    await h.beat('fake1');
    metricNames = new Set(parsePrometheus(await (await h.app.request('/metrics')).text()).keys());
  });
  after(async () => {
    await h.stop();
  });

  it('ships an InfluxDB and a Prometheus dashboard, and alert rules', () => {
    assert.deepEqual(dashboards.sort(), ['agent-operations-influxdb.json', 'registry-prometheus.json']);
    assert.deepEqual(rules.sort(), ['alert-rules.yaml', 'prometheus-alerts.yaml']);
  });

  for (const file of ['agent-operations-influxdb.json', 'registry-prometheus.json']) {
    it(`${file} maps op codes 1-8 to their names`, () => {
      const mappings = opCodeMappings(JSON.parse(read(file)));
      assert.ok(mappings.length >= 1);
      for (const options of mappings) {
        for (let code = 1; code <= 8; code++) assert.equal(options[String(code)]!.text, OP_CODE_NAMES[code]!.toLowerCase());
      }
    });
  }

  it('the InfluxDB dashboard reads the agent_operations feed as the publisher writes it', () => {
    const text = read('agent-operations-influxdb.json');
    assert.match(text, /FROM \\"\$\{measurement:raw\}\\" WHERE \\"feed\\" = 'agent_operations'/);
    const variables = JSON.parse(text).templating.list.map((v: { name: string; query: unknown }) => [v.name, v.query]);
    assert.deepEqual(variables.slice(1, 3), [['measurement', 'observatory.registry'], ['timeout', '5']], 'the registry address and the timeout are variables');
  });

  it('uses only metric names that /metrics writes', () => {
    const used = new Set<string>();
    for (const file of [...dashboards, ...rules]) {
      for (const [name] of read(file).matchAll(/\bocs_[a-z_]+\b/g)) used.add(name);
    }
    assert.ok(used.size >= 8);
    for (const name of used) assert.ok(metricNames.has(name), `${name} is not written by /metrics`);
  });

  it('alert rules parse and cover a process not running, a failure, an expired agent', () => {
    const grafana = parseYaml(read('alert-rules.yaml'));
    const titles = grafana.groups[0].rules.map((r: { title: string }) => r.title);
    for (const t of ['OCS process not running', 'OCS operation failed', 'OCS agent expired', 'OCS agent suspect', 'OCS agent missing']) {
      assert.ok(titles.includes(t), t);
    }
    const prometheus = parseYaml(read('prometheus-alerts.yaml'));
    assert.deepEqual(prometheus.groups[0].rules.map((r: { alert: string }) => r.alert), [
      'OCSProcessNotRunning',
      'OCSOperationFailed',
      'OCSAgentExpired',
      'OCSAgentSuspect',
      'OCSAgentMissing',
      'OCSRegistryNotConnected',
    ]);
  });
});
