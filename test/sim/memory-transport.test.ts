import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTransport } from '../../sim/transport/memory.ts';
import { MessagePump } from '../../sim/transport/pump.ts';
import { SerializationError } from '../../sim/transport/serialize.ts';

function collect(end: MemoryTransport): { messages: unknown[][]; closes: string[] } {
  const log = { messages: [] as unknown[][], closes: [] as string[] };
  end.onMessage = (m) => log.messages.push(m);
  end.onClose = (r) => log.closes.push(r);
  return log;
}

/** Resolves after the pump has drained what was queued before. */
const drained = (): Promise<void> => new Promise((resolve) => queueMicrotask(resolve));

describe('MemoryTransport', () => {
  it('delivers asynchronously, in order, by reference by default', async () => {
    const { client, router } = MemoryTransport.pair({ pump: new MessagePump() });
    const log = collect(router);
    const first = [16, 1, {}, 'a.b'];
    client.send(first);
    client.send([16, 2, {}, 'a.b']);
    assert.equal(log.messages.length, 0, 'not delivered inside send()');
    await drained();
    assert.equal(log.messages.length, 2);
    assert.equal(log.messages[0], first, 'zero-copy');
    assert.equal(log.messages[1]?.[1], 2);
  });

  it('copies through JSON in json mode', async () => {
    const { client, router } = MemoryTransport.pair({ serialize: 'json', pump: new MessagePump() });
    const log = collect(router);
    const sent = [16, 1, {}, 'a.b', [{ x: 1, skip: undefined }]];
    client.send(sent);
    await drained();
    assert.notEqual(log.messages[0], sent);
    assert.deepEqual(log.messages[0], [16, 1, {}, 'a.b', [{ x: 1 }]]);
  });

  it('refuses BigInt, functions and symbols in json mode, at the sender', async () => {
    const { client, router } = MemoryTransport.pair({ serialize: 'json', pump: new MessagePump() });
    const log = collect(router);
    assert.throws(() => client.send([16, 1, {}, 'a.b', [1n]]), SerializationError);
    assert.throws(() => client.send([16, 1, {}, 'a.b', [{ f: () => 1 }]]), /function/);
    assert.throws(() => client.send([16, 1, {}, 'a.b', [Symbol('s')]]), /symbol/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => client.send([16, 1, {}, 'a.b', [cyclic]]), SerializationError);
    client.send([16, 2, {}, 'a.b']);
    await drained();
    assert.deepEqual(log.messages, [[16, 2, {}, 'a.b']], 'the transport still works');
  });

  it('closes both ends once: the closer at once, the other after what was already sent', async () => {
    const { client, router } = MemoryTransport.pair({ pump: new MessagePump() });
    const clientLog = collect(client);
    const routerLog = collect(router);
    router.send([36, 1, 1, {}]);
    router.close('bye');
    router.close('again');
    assert.deepEqual(routerLog.closes, ['bye']);
    assert.equal(router.isOpen, false);
    assert.equal(client.isOpen, true);
    await drained();
    assert.deepEqual(clientLog.messages, [[36, 1, 1, {}]]);
    assert.deepEqual(clientLog.closes, ['bye']);
    client.send([16, 1, {}, 'a']);
    client.close();
    await drained();
    assert.deepEqual(routerLog.messages, [], 'nothing is delivered to or sent from a closed end');
    assert.deepEqual(clientLog.closes, ['bye']);
  });

  it('keeps delivering when a receiver throws, and counts it', async () => {
    const pump = new MessagePump();
    const { client, router } = MemoryTransport.pair({ pump });
    const seen: number[] = [];
    router.onMessage = (m) => {
      seen.push(m[1] as number);
      if (m[1] === 1) throw new Error('receiver bug (expected in this test)');
    };
    const originalError = console.error;
    console.error = () => {};
    try {
      client.send([16, 1, {}, 'a']);
      client.send([16, 2, {}, 'a']);
      await drained();
    } finally {
      console.error = originalError;
    }
    assert.deepEqual(seen, [1, 2]);
    assert.equal(pump.errors, 1);
  });
});
