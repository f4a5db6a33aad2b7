// Per-agent state that is not on the heartbeat's hot path, or is rare, kept
// by the registry in dense typed arrays indexed by agent number (and sparse
// maps for the rare parts). The agent object stays within the handful of
// fields a JS engine stores inline (JavaScriptCore: 12 fields take 112 bytes,
// 19 take 224), and doubles need no heap box (V8).

import { capacityFor, grown } from './grown.ts';

const DOUBLES = 5; // firstSeen, lastTransition, lastInterval, meanInterval, jitter
export const FIRST_SEEN = 0;
export const LAST_TRANSITION = 1;
export const LAST_INTERVAL = 2;
export const MEAN_INTERVAL = 3;
export const JITTER = 4;

export class AgentStore {
  doubles = new Float64Array(0);
  restarts = new Uint32Array(0);
  /** Feed session_id of each agent's process (the agent keeps only its hash). */
  readonly sessionIds: (string | null)[] = [];
  /** Live codes of agents with more than 13 ops (they do not fit one packed number). */
  readonly bigCodes = new Map<number, readonly number[]>();
  /** The address owning an agent's agent_operations fields, when another does (collision). */
  readonly collidesWith = new Map<number, string>();

  /** Make room for agent `index`; its doubles start as NaN ("not known"). */
  add(index: number): void {
    if (index < this.restarts.length) return;
    const length = capacityFor(index);
    this.doubles = grown(this.doubles, length * DOUBLES, Number.NaN);
    this.restarts = grown(this.restarts, length);
  }

  get(index: number, slot: number): number {
    return this.doubles[index * DOUBLES + slot] as number;
  }

  set(index: number, slot: number, value: number): void {
    this.doubles[index * DOUBLES + slot] = value;
  }
}
