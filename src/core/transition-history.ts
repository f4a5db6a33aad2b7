// Recent transitions per agent, for GET /api/agents/:address, every one of
// them (also those the event stream damps for a flapping agent). Only agents
// that changed have a ring; each ring holds at most `perAgent` entries, and
// at most `maxAgents` rings are kept (the least recently changed goes first),
// so memory is bounded whatever the network does. Pure: the HTTP layer records
// into it (it numbers the events), the Registry Agent owns it and keeps it in
// the state file, so a restart keeps each agent's history.

export interface Transition {
  /** The event id of the same transition on /api/events; null when the stream damped it (a flapping agent). */
  readonly id: string | null;
  readonly type: string;
  /** Registry time, Unix seconds. */
  readonly at: number;
  /** The agent's op codes after the transition (a snapshot the core never mutates). */
  readonly op_codes: Readonly<Record<string, number>>;
}

export class TransitionHistory {
  readonly perAgent: number;
  readonly maxAgents: number;
  /** address -> ring, in least-recently-changed-first order. */
  readonly #rings = new Map<string, { entries: Transition[]; next: number }>();

  constructor(perAgent = 20, maxAgents = 10_000) {
    this.perAgent = perAgent;
    this.maxAgents = maxAgents;
  }

  get agents(): number {
    return this.#rings.size;
  }

  record(address: string, transition: Transition): void {
    if (this.perAgent <= 0 || this.maxAgents <= 0) return;
    let ring = this.#rings.get(address);
    if (ring === undefined) {
      if (this.#rings.size >= this.maxAgents) this.#rings.delete(this.#rings.keys().next().value as string);
      ring = { entries: [], next: 0 };
    } else {
      this.#rings.delete(address); // re-insert: most recently changed last
    }
    this.#rings.set(address, ring);
    if (ring.entries.length < this.perAgent) ring.entries.push(transition);
    else ring.entries[ring.next] = transition;
    ring.next = (ring.next + 1) % this.perAgent;
  }

  /**
   * Put back an agent's transitions read from the state file (oldest first;
   * the newest `perAgent` are kept). Restore agents least recently changed
   * first, so the ring order (and which ring goes first when full) is kept.
   */
  restore(address: string, transitions: readonly Transition[]): void {
    for (const transition of transitions.slice(-this.perAgent)) this.record(address, transition);
  }

  /** The agent was forgotten: its transitions go with it. */
  forget(address: string): void {
    this.#rings.delete(address);
  }

  /** Oldest first. */
  of(address: string): Transition[] {
    const ring = this.#rings.get(address);
    if (ring === undefined) return [];
    const { entries, next } = ring;
    return entries.length < this.perAgent ? entries.slice() : [...entries.slice(next), ...entries.slice(0, next)];
  }
}
