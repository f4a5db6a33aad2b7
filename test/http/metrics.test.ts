// GET /metrics: valid Prometheus text format with the registry's state, and
// the writer's escaping.

import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLabelValue, formatValue, labels, PrometheusWriter } from '../../src/http/prometheus.ts';
import { feedFor } from '../support/heartbeats.ts';
import { type HttpHarness, startHttp } from './helpers.ts';
import { parsePrometheus, valueOf } from './prometheus-parse.ts';

describe('GET /metrics', () => {
  let h: HttpHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('is Prometheus text format, every family with HELP and TYPE, with the registry state', async () => {
    h = await startHttp();
    await h.beat('fake1', { ops: { acq: 3, count: 6 } });
    await h.beat('fake2', { ops: { acq: 1 } });
    await h.beat('lake1', { ops: {}, agentClass: 'LakeAgent' });
    await h.net.advance(3000, 1000);
    await h.beat('fake1', { ops: { acq: 3, count: 6 } });
    await h.beat('lake1', { ops: {}, agentClass: 'LakeAgent' });
    await h.net.advance(3000, 1000); // fake2 expired
    await h.raw('observatory.bad.feeds.heartbeat', [[{ acq: 99 }, feedFor('observatory.bad')]]);

    const response = await h.app.request('/metrics');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const m = parsePrometheus(await response.text());
    for (const family of m.values()) {
      assert.ok(family.help.length > 0, `${family.name} has HELP`);
      assert.ok(family.type === 'gauge' || family.type === 'counter', `${family.name} has TYPE`);
      if (family.type === 'counter') assert.match(family.name, /_total$/);
    }
    assert.equal(valueOf(m, 'ocs_registry_up'), 1);
    assert.equal(valueOf(m, 'ocs_registry_agents', { state: 'alive' }), 2);
    assert.equal(valueOf(m, 'ocs_registry_agents', { state: 'expired' }), 1);
    assert.equal(valueOf(m, 'ocs_registry_agents_by_class', { agent_class: 'FakeDataAgent', state: 'alive' }), 1);
    assert.equal(valueOf(m, 'ocs_registry_agents_by_class', { agent_class: 'FakeDataAgent', state: 'expired' }), 1);
    assert.equal(valueOf(m, 'ocs_registry_agents_by_class', { agent_class: 'LakeAgent', state: 'alive' }), 1);
    assert.equal(valueOf(m, 'ocs_agent_op_code', { address: 'observatory.fake1', op: 'acq' }), 3);
    assert.equal(valueOf(m, 'ocs_agent_op_code', { address: 'observatory.fake1', op: 'count' }), 6);
    assert.equal(valueOf(m, 'ocs_agent_op_code', { address: 'observatory.fake2', op: 'acq' }), 7);
    assert.equal(m.get('ocs_agent_op_code')!.samples.length, 3);
    assert.equal(valueOf(m, 'ocs_agent_up', { address: 'observatory.fake2' }), 0);
    assert.equal(valueOf(m, 'ocs_agent_up', { address: 'observatory.lake1', agent_class: 'LakeAgent' }), 1);
    assert.equal(valueOf(m, 'ocs_registry_heartbeats_received_total'), 5);
    assert.equal(valueOf(m, 'ocs_registry_heartbeats_rejected_total', { reason: 'bad_op_code' }), 1);
    assert.equal(valueOf(m, 'ocs_registry_heartbeats_rejected_total', { reason: 'topic_mismatch' }), 0);
    assert.equal(valueOf(m, 'ocs_registry_agents_expired_total'), 1);
    assert.equal(valueOf(m, 'ocs_registry_events_total', { type: 'joined' }), 3);
    assert.equal(valueOf(m, 'ocs_registry_event_loop_lag_seconds'), 0, 'a FakeClock never lags');
    assert.ok(valueOf(m, 'ocs_registry_agent_operations_published_total')! >= 3);
  });

  it('is valid with no agents at all', async () => {
    h = await startHttp();
    const m = parsePrometheus(await (await h.app.request('/metrics')).text());
    assert.equal(m.get('ocs_agent_op_code')!.samples.length, 0);
    assert.equal(valueOf(m, 'ocs_registry_agents', { state: 'alive' }), 0);
  });

  it('follows an agent whose op set changes', async () => {
    h = await startHttp();
    await h.beat('fake1', { ops: { acq: 3 } });
    await h.app.request('/metrics');
    await h.beat('fake1', { ops: { acq: 3, scan: 2 } });
    const m = parsePrometheus(await (await h.app.request('/metrics')).text());
    assert.equal(valueOf(m, 'ocs_agent_op_code', { address: 'observatory.fake1', op: 'scan' }), 2);
  });

  it('follows code changes, expiry and revival of an agent whose lines were already scraped', async () => {
    h = await startHttp();
    const scrape = async () => parsePrometheus(await (await h.app.request('/metrics')).text());
    const acq = { address: 'observatory.fake1', op: 'acq' };
    await h.beat('fake1', { ops: { acq: 3 } });
    assert.equal(valueOf(await scrape(), 'ocs_agent_op_code', acq), 3);
    await h.beat('fake1', { ops: { acq: 5 } });
    assert.equal(valueOf(await scrape(), 'ocs_agent_op_code', acq), 5);
    await h.net.advance(6000, 1000);
    const expired = await scrape();
    assert.deepEqual([valueOf(expired, 'ocs_agent_up', { address: 'observatory.fake1' }), valueOf(expired, 'ocs_agent_op_code', acq)], [0, 7]);
    await h.beat('fake1', { ops: { acq: 5 } });
    const revived = await scrape();
    assert.deepEqual([valueOf(revived, 'ocs_agent_up', { address: 'observatory.fake1' }), valueOf(revived, 'ocs_agent_op_code', acq)], [1, 5]);
  });

  it('a query parameter is a 400', async () => {
    h = await startHttp();
    assert.equal((await h.app.request('/metrics?format=json')).status, 400);
  });
});

describe('PrometheusWriter', () => {
  it('escapes label values and HELP text as the format requires', () => {
    assert.equal(escapeLabelValue('plain.value'), 'plain.value');
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    const text = new PrometheusWriter()
      .family('x_things', 'gauge', 'Things with a \\ backslash\nand a newline.')
      .sample(labels({ name: 'a"b\\c\nd', other: 'é ✓' }), 1.5)
      .text();
    assert.equal(
      text,
      '# HELP x_things Things with a \\\\ backslash\\nand a newline.\n# TYPE x_things gauge\n' +
        'x_things{name="a\\"b\\\\c\\nd",other="é ✓"} 1.5\n',
    );
    const parsed = parsePrometheus(text);
    assert.deepEqual(parsed.get('x_things')!.samples[0]!.labels, { name: 'a"b\\c\nd', other: 'é ✓' });
  });

  it('writes special values and refuses invalid names', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, 1e21, -2.5].map(formatValue), ['NaN', '+Inf', '-Inf', '0', '1e+21', '-2.5']);
    assert.throws(() => new PrometheusWriter().family('bad-name', 'gauge', 'x'), /Invalid metric name "bad-name"/);
    assert.throws(() => labels({ 'bad-label': 'x' }), /Invalid label name "bad-label"/);
    assert.throws(() => labels({ __reserved: 'x' }), /Invalid label name/);
    const text = new PrometheusWriter().family('y', 'counter', 'h').sample('', NaN).sample('{a="1"}', -Infinity).text();
    assert.equal(parsePrometheus(text).get('y')!.samples.length, 2);
  });

  it('the test parser rejects what the format forbids', () => {
    assert.throws(() => parsePrometheus('x 1\n'), /outside its family/);
    assert.throws(() => parsePrometheus('# HELP x h\n# TYPE x gauge\nx{a="b"c"} 1\n'), /not valid/);
    assert.throws(() => parsePrometheus('# HELP x h\n# TYPE x gauge\nx{a="\n"} 1\n'), /not valid/);
    assert.throws(() => parsePrometheus('# HELP x h\n# TYPE x gauge\nx one\n'), /not valid/);
    assert.throws(() => parsePrometheus('# HELP x h\n# TYPE x gauge\nx 1'), /end with a newline/);
  });
});
