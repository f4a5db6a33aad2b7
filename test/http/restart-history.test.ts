// deno-lint-ignore-file no-explicit-any -- JSON bodies are read loosely in tests
// A restart keeps each agent's history and its flapping (issues 13 and 14):
// the Registry Agent's history (recorded by the HTTP layer) and the core's
// flapping records go into the state file with the table; a registry started
// from that file shows the same transitions for the agent, still flags it
// flapping, and keeps damping its events.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSavedState, SAVED_STATE_VERSION, type SavedState } from '../../src/core/index.ts';
import { StateKeeper } from '../../src/registry/state-keeper.ts';
import { type HttpHarness, startHttp } from './helpers.ts';

async function saveOf(h: HttpHarness): Promise<string> {
  let file = '';
  const keeper = new StateKeeper({
    registry: h.net.registry.registry,
    history: h.net.registry.history,
    clock: h.net.clock,
    write: async (pieces) => {
      file = pieces.join('');
    },
  });
  await keeper.saveNow(false);
  return file;
}

function load(text: string): SavedState {
  const state = readSavedState(JSON.parse(text), { addressRoot: 'observatory', maxAgents: 100, maxNameLength: 255 });
  if (typeof state === 'string') assert.fail(state);
  return state;
}

/** A registry whose agent "a" restarted four times within the default window (more than 3 in 600 s): flapping. */
async function flappingAgent(): Promise<HttpHarness> {
  const h = await startHttp();
  await h.beat('a', { sessionId: 's0' });
  for (let i = 1; i <= 4; i++) {
    h.net.clock.advance(1000);
    await h.beat('a', { sessionId: `s${i}` });
  }
  return h;
}

/** Event types on the app's stream, oldest first. */
function streamed(h: HttpHarness): string[] {
  const log = h.app.events.log;
  const out: string[] = [];
  for (let seq = log.first; seq <= log.last; seq++) out.push(new TextDecoder().decode(log.frame(seq)).split('\n')[1]!.slice(7));
  return out;
}

describe('Restart: history and flapping survive in the state file', () => {
  it("shows the agent's transitions from before the restart, still flapping, its events still damped", async () => {
    const before = await flappingAgent();
    await before.beat('b');
    const old = (await before.json('/api/agents/observatory.a')).body;
    assert.ok(old.flapping, 'flapping before the restart');
    assert.deepEqual(old.history.map((t: any) => t.type), ['joined', 'restarted', 'restarted', 'restarted', 'restarted', 'flapping']);
    const text = await saveOf(before);
    assert.equal(JSON.parse(text).version, SAVED_STATE_VERSION);
    await before.stop();

    const after = await startHttp();
    after.net.clock.advance(2000); // a short downtime
    const restored = after.net.registry.restore(load(text));
    assert.ok(restored.ok);
    const now = (await after.json('/api/agents/observatory.a')).body;
    assert.deepEqual(now.history, old.history, 'the same transitions, with their event ids and times');
    assert.deepEqual(now.flapping, old.flapping, 'still flapping, with its reason');
    assert.equal(after.net.registry.registry.flappingCount, 1);
    assert.deepEqual((await after.json('/api/agents/observatory.b')).body.history.map((t: any) => t.type), ['joined']);

    // Two more restarts: both in the history; the stream sends the first and damps the second (30 s apart at most one).
    await after.beat('a', { sessionId: 's5' });
    after.net.clock.advance(1000);
    await after.beat('a', { sessionId: 's6' });
    assert.deepEqual(streamed(after).filter((t) => t === 'restarted'), ['restarted']);
    assert.deepEqual((await after.json('/api/agents/observatory.a')).body.history.slice(-2).map((t: any) => t.type), ['restarted', 'restarted']);
    // Its restarts before the restart still count: it is flapping, not flagged afresh.
    assert.ok(!streamed(after).includes('flapping'));
    await after.stop();
  });

  it('settles a restored flapping agent once its window has passed, and says so', async () => {
    const before = await flappingAgent();
    const text = await saveOf(before);
    await before.stop();

    const after = await startHttp();
    assert.ok(after.net.registry.restore(load(text)).ok);
    assert.equal(after.net.registry.registry.flappingCount, 1);
    // Beating steadily past the 600 s window (the restored restarts age out): flapping-cleared.
    for (let s = 0; s < 610; s += 2) {
      await after.beat('a', { sessionId: 's4' });
      await after.net.advance(2000, 1000);
    }
    assert.equal(after.net.registry.registry.flappingCount, 0);
    assert.ok(streamed(after).includes('flapping-cleared'));
    assert.equal((await after.json('/api/agents/observatory.a')).body.flapping, null);
    await after.stop();
  });
});
