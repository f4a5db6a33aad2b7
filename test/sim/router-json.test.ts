import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../sim/router/index.ts';
import { WampError } from '../../src/wamp/session.ts';
import { barrier } from './raw-client.ts';

const isWampError = (uri: string, text?: RegExp) => (e: unknown): boolean =>
  e instanceof WampError && e.error === uri && (text === undefined || text.test(String(e.args[0])));

describe('router with JSON-serializing transports', () => {
  it('delivers copies, not the published objects', async () => {
    const router = new Router({ serialize: 'json' });
    const sub = await router.connect('r');
    const pub = await router.connect('r');
    const received: unknown[] = [];
    await sub.subscribe('a.b', (args) => void received.push(args[0]));
    const payload = { when: 1700000000.5, nested: [1, 'x', null, true] };
    pub.publish('a.b', [payload]);
    await barrier(pub);
    assert.deepEqual(received, [payload]);
    assert.notEqual(received[0], payload);
    router.close();
  });

  it('refuses a non-serializable publish to that caller only; the session and others carry on', async () => {
    const router = new Router({ serialize: 'json' });
    const sub = await router.connect('r');
    const pub = await router.connect('r');
    const received: unknown[] = [];
    await sub.subscribe('a.b', (args) => void received.push(args[0]));
    assert.throws(() => pub.publish('a.b', [10n]), isWampError('wamp.error.invalid_argument', /PUBLISH to 'a.b' cannot be sent: .*bigint/));
    await assert.rejects(pub.publishAcknowledged('a.b', [{ f: () => 1 }]), isWampError('wamp.error.invalid_argument', /function/));
    await assert.rejects(pub.call('a.c', [1n]), isWampError('wamp.error.invalid_argument'));
    assert.ok(pub.isOpen);
    pub.publish('a.b', [1]);
    await barrier(pub);
    assert.deepEqual(received, [1]);
    router.close();
  });

  it('turns an endpoint result or error that cannot be serialized into runtime_error for the caller', async () => {
    const router = new Router({ serialize: 'json' });
    const agent = await router.connect('r');
    const client = await router.connect('r');
    await agent.register('a.fn', () => ({ callback: () => 1 }));
    await agent.register('a.big', () => {
      throw new WampError('ocs.error.x', [2n ** 70n]);
    });
    await assert.rejects(client.call('a.fn'), isWampError('wamp.error.runtime_error', /Result of 'a.fn' cannot be sent/));
    await assert.rejects(client.call('a.big'), isWampError('wamp.error.runtime_error', /Error cannot be sent/));
    assert.ok(agent.isOpen && client.isOpen);
    router.close();
  });

  it('counts an event a JSON subscriber cannot take when a zero-copy publisher sent it, and carries on', async () => {
    const router = new Router();
    const sub = await router.connect('r', { serialize: 'json' });
    const pub = await router.connect('r', { serialize: 'none' });
    const received: unknown[] = [];
    await sub.subscribe('a.b', (args) => void received.push(args[0]));
    pub.publish('a.b', [1n]);
    pub.publish('a.b', [2]);
    await barrier(pub);
    assert.deepEqual(received, [2]);
    assert.equal(router.stats.sendErrors, 1);
    assert.ok(sub.isOpen && pub.isOpen);
    router.close();
  });
});
