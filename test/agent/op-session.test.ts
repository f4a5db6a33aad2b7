import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PyError } from '../../src/agent/errors.ts';
import { OpSession } from '../../src/agent/op-session.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = 1_700_000_000;

function session(clock = new FakeClock(T0)) {
  return new OpSession({ sessionId: 7, opName: 'main', clock });
}

describe('OpSession (§2.8-2.9)', () => {
  it('starts in "starting" with its status message and Python key order', () => {
    const s = session();
    const e = s.encoded();
    assert.deepEqual(Object.keys(e), [
      'session_id',
      'op_name',
      'op_code',
      'cred_level',
      'status',
      'degraded',
      'success',
      'start_time',
      'end_time',
      'data',
      'messages',
    ]);
    assert.deepEqual(e, {
      session_id: 7,
      op_name: 'main',
      op_code: 2,
      cred_level: 1,
      status: 'starting',
      degraded: false,
      success: null,
      start_time: T0,
      end_time: null,
      data: {},
      messages: [[T0, 'Status is now "starting".']],
    });
  });

  it('moves forward only; repeats are ignored and backward moves throw', () => {
    const clock = new FakeClock(T0);
    const s = session(clock);
    clock.advance(500);
    s.setStatus('running');
    s.setStatus('running');
    assert.equal(s.messages.length, 2);
    s.setStatus('stopping');
    assert.throws(() => s.setStatus('running'), /AssertionError/);
    clock.advance(500);
    s.finish(true, 'Stopped registry main process');
    const e = s.encoded();
    assert.equal(e.end_time, T0 + 1);
    assert.deepEqual(e.messages.map((m) => m[1]), [
      'Status is now "starting".',
      'Status is now "running".',
      'Status is now "stopping".',
      'Stopped registry main process',
      'Status is now "done".',
    ]);
    assert.equal(e.messages[1]![0], T0 + 0.5);
  });

  it('derives op codes from status, degraded and success', () => {
    const s = session();
    assert.equal(s.opCode, 2);
    s.setStatus('running');
    assert.equal(s.opCode, 3);
    s.degraded = true;
    assert.equal(s.opCode, 8);
    s.setStatus('stopping');
    assert.equal(s.opCode, 4);
    s.finish(true, 'ok');
    assert.equal(s.opCode, 5);
    const f = session();
    f.finish(0, 'no');
    assert.equal(f.opCode, 6);
    const g = session();
    g.finish('yes', 'truthy');
    assert.equal(g.opCode, 5);
    assert.equal(g.encoded().success, 'yes');
  });

  it('encodes data JSON-safe: NaN becomes null, infinity fails', () => {
    const s = session();
    s.data = { a: NaN, b: [1, NaN, { c: NaN }], d: 'x' };
    assert.deepEqual(s.encoded().data, { a: null, b: [1, null, { c: null }], d: 'x' });
    s.data = { bad: [Infinity] };
    assert.throws(() => s.encoded(), (err: unknown) =>
      err instanceof PyError && err.name === 'ValueError' &&
      err.message === 'Session.data cannot store inf/-inf; please convert to NaN.');
  });

  it('uses a data source without copying when one is set', () => {
    const s = session();
    const big = { x: 1 };
    s.dataSource = () => big;
    assert.equal(s.encoded().data, big);
  });

  it('purges messages older than an hour, keeping the newest 5', () => {
    const clock = new FakeClock(T0);
    const s = session(clock);
    for (let i = 0; i < 20; i++) s.addMessage(`m${i}`);
    clock.advance(3599_000);
    assert.equal(s.messages.length, 21); // purges at 720 s steps but nothing is an hour old yet
    clock.advance(6 * 720_000 - 3599_000);
    const kept = s.messages;
    assert.deepEqual(kept.map((m) => m[1]), ['m15', 'm16', 'm17', 'm18', 'm19']);
  });

  it('keeps at most 10000 messages at a purge', () => {
    const clock = new FakeClock(T0);
    const s = session(clock);
    for (let i = 0; i < 10_010; i++) s.addMessage(`m${i}`);
    assert.equal(s.messages.length, 10_011); // no purge before the first 720 s
    clock.advance(720_000);
    s.addMessage('late');
    const kept = s.messages;
    assert.equal(kept.length, 10_000);
    assert.equal(kept.at(-1)![1], 'late');
  });

  it('sleeps on the injected clock and can wake on a stop request', async () => {
    const clock = new FakeClock(T0);
    const s = session(clock);
    s.setStatus('running');
    let slept = false;
    void s.sleep(1).then(() => {
      slept = true;
    });
    let woke = false;
    void s.sleep(100, true).then(() => {
      woke = true;
    });
    clock.advance(999);
    await Promise.resolve();
    assert.equal(slept, false);
    clock.advance(1);
    await Promise.resolve();
    assert.equal(slept, true);
    assert.equal(woke, false);
    s.setStatus('stopping');
    await Promise.resolve();
    assert.equal(woke, true);
    assert.equal(clock.pendingTimers, 0);
  });
});
