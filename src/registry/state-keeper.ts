// Keeps the registry's table in a file (issue 13): at most once per interval
// while something changed, and once more on shutdown. The text is built in
// slices with a turn of the event loop between them, so heartbeats keep being
// ingested while 100k agents are written; the writing itself (the runtime's
// atomic write) is asynchronous I/O. Each agent's line is consistent; the
// lines of one file may be a few milliseconds apart, which is what a restart
// needs: each agent's own last heartbeat.

import type { Clock } from '../core/clock.ts';
import {
  type RegisteredAgent,
  type Registry,
  SAVED_STATE_TAIL,
  savedAgentLine,
  type SavedExtras,
  savedStateHead,
  type TransitionHistory,
} from '../core/index.ts';

/** Writes the pieces, joined, as the file's new content, atomically. */
export type WriteState = (pieces: readonly string[]) => Promise<void>;

export interface StateKeeperOptions {
  registry: Registry;
  /** The agents' recent transitions, saved with them (the Registry Agent's). */
  history?: TransitionHistory;
  clock: Clock;
  write: WriteState;
  /** Shortest time between two saves, seconds (default 2). */
  intervalSeconds?: number;
  /** Agents serialized per slice before giving the event loop a turn (default 2000). */
  sliceSize?: number;
  log?: (line: string) => void;
}

export class StateKeeper {
  readonly intervalSeconds: number;
  readonly #registry: Registry;
  readonly #extras: SavedExtras;
  readonly #clock: Clock;
  readonly #write: WriteState;
  readonly #slice: number;
  readonly #log: (line: string) => void;
  #cancel: (() => void) | null = null;
  #saving: Promise<void> | null = null;
  #savedVersion = -1;
  #failing = false;
  /** Saves done, and the last one's cost (building the text and writing it), for metrics and the bench. */
  saves = 0;
  lastBuildMs = 0;
  lastSaveMs = 0;
  lastSavedAt: number | null = null;

  constructor(options: StateKeeperOptions) {
    this.#registry = options.registry;
    this.#extras = { flaps: options.registry.flaps, history: options.history ?? null };
    this.#clock = options.clock;
    this.#write = options.write;
    this.intervalSeconds = options.intervalSeconds ?? 2;
    this.#slice = options.sliceSize ?? 2000;
    this.#log = options.log ?? (() => {});
  }

  start(): void {
    if (this.#cancel !== null) return;
    this.#schedule(this.intervalSeconds * 1000);
  }

  /** Stop the timer, wait for a save in flight, then save once more if anything changed. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = null;
    await this.#saving?.catch(() => {});
    await this.saveNow(false);
  }

  /** Save now unless nothing changed since the last save; `sliced`: give the event loop turns while building. */
  saveNow(sliced = true): Promise<void> {
    if (this.#saving) return this.#saving;
    const version = this.#version();
    if (version === this.#savedVersion) return Promise.resolve();
    this.#saving = this.#save(version, sliced).finally(() => {
      this.#saving = null;
    });
    return this.#saving;
  }

  #schedule(ms: number): void {
    this.#cancel = this.#clock.after(ms, () => {
      const started = this.#clock.now();
      this.saveNow().finally(() => {
        if (this.#cancel === null) return; // stopped meanwhile
        // A big table saves less often: at most a tenth of the time goes to saving.
        const spent = this.#clock.now() - started;
        this.#schedule(Math.max(this.intervalSeconds, spent * 10) * 1000);
      });
    });
  }

  async #save(version: number, sliced: boolean): Promise<void> {
    const began = performance.now();
    const pieces = await this.#build(sliced);
    const built = performance.now();
    try {
      await this.#write(pieces);
      this.#savedVersion = version;
      this.saves++;
      this.lastBuildMs = built - began;
      this.lastSaveMs = performance.now() - began;
      this.lastSavedAt = this.#clock.now();
      if (this.#failing) this.#log('The state file is written again.');
      this.#failing = false;
    } catch (err) {
      // Logged once per run of failures: a full disk must not flood the log or stop the registry.
      if (!this.#failing) this.#log(`Could not write the state file: ${(err as Error).message}. Retrying at the next save.`);
      this.#failing = true;
    }
  }

  async #build(sliced: boolean): Promise<string[]> {
    const registry = this.#registry;
    const agents = registry.agents();
    const pieces = [savedStateHead(this.#clock.now(), registry.addressRoot, registry.agentTimeout)];
    // The table changes while we yield (an agent forgotten moves the last one into its slot): take the agents there were at the
    // start, and leave out any forgotten since.
    const count = agents.length;
    const taken = sliced ? agents.slice() : agents;
    let first = true;
    for (let from = 0; from < count; from += this.#slice) {
      if (sliced && from > 0) await this.#turn();
      const lines: string[] = [];
      for (let i = from; i < Math.min(count, from + this.#slice); i++) {
        const agent = taken[i] as RegisteredAgent;
        if (!agent.forgotten) lines.push(savedAgentLine(agent, this.#extras));
      }
      if (lines.length === 0) continue;
      pieces.push((first ? '' : ',\n') + lines.join(',\n'));
      first = false;
    }
    pieces.push(SAVED_STATE_TAIL);
    return pieces;
  }

  #turn(): Promise<void> {
    return new Promise((resolve) => this.#clock.after(0, resolve));
  }

  /** Changes every heartbeat, join, expiry, revival, restart, suspicion, flapping flag and forgetting: equal means nothing to save. */
  #version(): number {
    const c = this.#registry.counters;
    return c.heartbeats + c.joined + c.expired + c.revived + c.restarts + c.suspected + c.flapping + c.forgotten;
  }
}
