// The entries of GET /api/agents as UTF-8 JSON, kept per agent and redone
// only for agents that changed. All 10k agents are 4 MB of JSON: 6-10 ms of
// JSON.stringify in one go on Bun, holding the event loop (heartbeats wait)
// for longer than the list's 10 ms budget. While the list is being read
// (for `warmMs` after each request), a timer renders the entries of agents
// that changed every `refreshMs`, so a request renders at most what changed
// since and streams cached bytes: no 4 MB string per request for the
// garbage collector, and nothing left to encode on the way out. An
// entry has no per-request field (the page carries `time`; an agent's age is
// time - last_updated), so an agent that did not beat keeps its bytes.

import type { Clock } from '../core/clock.ts';
import { capacityFor, grown } from '../core/grown.ts';
import type { ReadonlyAgent, RegistryView } from '../core/index.ts';
import { agentView } from './agent-view.ts';
import { streamParts } from './chunked-body.ts';

export interface AgentListOptions {
  /** How often cached entries are brought up to date while warm. Default 100 ms. */
  refreshMs?: number;
  /** How long after the last list request the cache is kept warm. Default 60 s. */
  warmMs?: number;
}

const UTF8 = new TextEncoder();
const CLOSE = UTF8.encode(']}');

/** `{...head, "agents": [entries]}` as a UTF-8 stream; `head` is a JSON object's text. */
export function listStream(head: string, entries: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return streamParts(UTF8.encode(`${head.slice(0, -1)},"agents":[`), entries, 0x2c, /* , */ CLOSE);
}

export class AgentListCache {
  readonly #registry: RegistryView;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  readonly #warmMs: number;
  /** Per agent index: its entry's JSON and what it was rendered from. */
  #entries: (Uint8Array | undefined)[] = [];
  /** The agent each entry was rendered for: a slot is another agent's once its agent is forgotten. */
  #owners: (ReadonlyAgent | undefined)[] = [];
  #beats = new Float64Array(0);
  #transitions = new Float64Array(0);
  #expired = new Uint8Array(0);
  #lastUse = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | null = null;
  #closed = false;
  /** Entries rendered, for tests and metrics. */
  rendered = 0;

  constructor(registry: RegistryView, clock: Clock, options: AgentListOptions = {}) {
    this.#registry = registry;
    this.#clock = clock;
    this.#refreshMs = options.refreshMs ?? 100;
    this.#warmMs = options.warmMs ?? 60_000;
  }

  /** A list request is being served: keep the entries warm from now on. */
  touch(): void {
    this.#lastUse = this.#clock.now();
    if (this.#cancel === null && this.#refreshMs > 0 && !this.#closed) this.#schedule();
  }

  /** The UTF-8 JSON of `agent`'s list entry (shared: do not modify). */
  entry(agent: ReadonlyAgent): Uint8Array {
    const i = agent.index;
    if (i >= this.#beats.length) this.#grow(i);
    const cached = this.#entries[i];
    const beats = agent.heartbeats;
    const transition = agent.lastTransition;
    const expired = agent.expired ? 1 : 0;
    // Every change to an entry comes with a heartbeat or a transition (expiry, revival, op change, restart).
    if (
      cached !== undefined && this.#owners[i] === agent && this.#beats[i] === beats && this.#transitions[i] === transition &&
      this.#expired[i] === expired
    ) {
      return cached;
    }
    const fresh = UTF8.encode(JSON.stringify(agentView(agent)));
    this.#entries[i] = fresh;
    this.#owners[i] = agent;
    this.#beats[i] = beats;
    this.#transitions[i] = transition;
    this.#expired[i] = expired;
    this.rendered++;
    return fresh;
  }

  /** Bring every entry up to date (the timer's work). */
  refresh(): void {
    for (const agent of this.#registry.agents()) this.entry(agent);
  }

  get warm(): boolean {
    return this.#cancel !== null;
  }

  /** Stop the timer for good (a request served while the server shuts down starts no new one). */
  close(): void {
    this.#closed = true;
    this.#cancel?.();
    this.#cancel = null;
  }

  #schedule(): void {
    this.#cancel = this.#clock.after(this.#refreshMs, () => {
      if ((this.#clock.now() - this.#lastUse) * 1000 > this.#warmMs) {
        this.#cancel = null;
        return;
      }
      this.refresh();
      this.#schedule();
    });
  }

  #grow(index: number): void {
    const length = capacityFor(index);
    this.#beats = grown(this.#beats, length);
    this.#transitions = grown(this.#transitions, length);
    this.#expired = grown(this.#expired, length);
  }
}
