import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExpectedAgents } from '../../src/core/expected.ts';
import { Registry } from '../../src/core/registry.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

const T0 = 1_700_000_000;

describe('Expected versus observed', () => {
  it('calls an expected-up agent never heard missing, and one heard that no config names unexpected', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const expected = new ExpectedAgents([`${ROOT}.registry`]);
    const up = { agentClass: 'FakeDataAgent', host: 'h1', manage: 'host/up' as const, up: true };
    expected.set(
      [
        { ...up, address: `${ROOT}.heard` },
        { ...up, address: `${ROOT}.never` },
        { ...up, address: `${ROOT}.registry` },
        { ...up, address: `${ROOT}.resting`, manage: 'host/down', up: false },
      ],
      '/cfg/site.yaml',
      T0,
    );
    registry.ingest(...heartbeat('heard'), T0);
    registry.ingest(...heartbeat('stranger'), T0);
    assert.deepEqual(expected.missing(registry).map((a) => a.address), [`${ROOT}.never`]);
    assert.deepEqual(expected.unexpected(registry).map((a) => a.agent_address), [`${ROOT}.stranger`]);
    assert.equal(expected.isExpected(`${ROOT}.heard`), true);
    assert.equal(expected.isExpected(`${ROOT}.stranger`), false);
  });

  it('expects nothing without a site config: nobody missing or unexpected', () => {
    const registry = new Registry({ addressRoot: ROOT });
    const expected = new ExpectedAgents();
    expected.set([], null, T0);
    registry.ingest(...heartbeat('a'), T0);
    assert.equal(expected.configured, false);
    assert.deepEqual(expected.missing(registry), []);
    assert.deepEqual(expected.unexpected(registry), []);
    assert.equal(expected.isExpected(`${ROOT}.a`), null);
  });
});
