// A flapping agent on the event stream: damped to one event per dampSeconds,
// the count held back carried on the next one, every transition in its
// history, and flapping-cleared with its state when it settles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/core/registry.ts';
import { EventLog } from '../../src/http/event-log.ts';
import { EventStream } from '../../src/http/event-stream.ts';
import { TransitionHistory } from '../../src/core/transition-history.ts';
import { Transitions } from '../../src/http/transitions.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { heartbeat, ROOT } from '../support/heartbeats.ts';

describe('Transitions: damping a flapping agent', () => {
  it('holds back its events, counts them on the next one, and says when it settles', () => {
    const clock = new FakeClock(1_700_000_000);
    const log = new EventLog(1000, 'e');
    const stream = new EventStream(log, { clock, keepAliveMs: 0 });
    const history = new TransitionHistory(50, 10);
    const transitions = new Transitions({ log, stream, history, clock, dampSeconds: 30 });
    const registry = new Registry({ addressRoot: ROOT, flapping: { limit: 2, window: 60 } });
    const feed = (result: ReturnType<Registry['ingest']>) => result?.kind === 'changed' && transitions.onChange(result);
    let t = 1_700_000_000;
    for (let i = 0; i < 8; i++) feed(registry.ingest(...heartbeat('a', { sessionId: `s${i}` }), t += 1));
    const types = () => {
      const out: string[] = [];
      for (let seq = log.first; seq <= log.last; seq++) out.push(new TextDecoder().decode(log.frame(seq)).split('\n')[1]!.slice(7));
      return out;
    };
    // joined, 2 restarts, the 3rd restart (it makes it flap) and flapping; then 4 restarts held back.
    assert.deepEqual(types(), ['joined', 'restarted', 'restarted', 'restarted', 'flapping']);
    assert.equal(transitions.damped, 4);
    assert.equal(history.of(`${ROOT}.a`).filter((x) => x.type === 'restarted').length, 7, 'every restart in the history');
    // 30 s later the next one goes out, carrying the count.
    feed(registry.ingest(...heartbeat('a', { sessionId: 'late' }), t += 30));
    const last = JSON.parse(new TextDecoder().decode(log.frame(log.last)).split('\n')[2]!.slice(6));
    assert.equal(last.damped, 4);
    // Quiet for the window: it settles, and says so with its state.
    for (let i = 0; i < 70; i++) {
      registry.ingest(...heartbeat('a', { sessionId: 'late' }), t += 1);
      for (const c of registry.expire(t)) transitions.onChange(c);
    }
    assert.equal(types().at(-1), 'flapping-cleared');
    const cleared = JSON.parse(new TextDecoder().decode(log.frame(log.last)).split('\n')[2]!.slice(6));
    assert.equal(cleared.state, 'alive');
    assert.equal(cleared.flapping, null);
    stream.close();
  });
});
