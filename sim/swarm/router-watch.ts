// Notices when a swarm has lost its router: one of the swarm's own sessions
// (observer, checker) closed without being asked to, or every agent's
// connection was closed by the far end. It says so once, with the time and
// the reason, so a run never just goes quiet.
import type { WampSession } from '../../src/wamp/session.ts';

export interface RouterLoss {
  /** Seconds into the run. */
  at: number;
  reason: string;
}

export class RouterWatch {
  lost: RouterLoss | null = null;
  readonly #elapsed: () => number;
  readonly #onLost: (loss: RouterLoss) => void;
  #ending = false;

  /** `elapsed`: seconds since the run started. */
  constructor(elapsed: () => number, onLost: (loss: RouterLoss) => void) {
    this.#elapsed = elapsed;
    this.#onLost = onLost;
  }

  /** A session of the swarm's own: its unasked-for close means the router is gone. */
  watch(session: WampSession): void {
    session.onClose((reason) => this.#lose(`a session of the swarm's own closed: ${reason}`));
  }

  /** An agent's connection was closed by the far end; `up` agents remain. */
  agentLost(reason: string, up: number): void {
    if (up === 0) this.#lose(`every agent's connection was closed: ${reason}`);
  }

  /** The run is ending: closes from now on are the swarm's own doing. */
  ending(): void {
    this.#ending = true;
  }

  #lose(reason: string): void {
    if (this.#ending || this.lost !== null) return;
    this.lost = { at: this.#elapsed(), reason };
    this.#onLost(this.lost);
  }
}
