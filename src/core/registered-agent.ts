// One tracked agent (Python RegisteredAgent, agent.py:10-61). `entry` is the
// encoded form that goes into `main` session.data; it is updated in place so
// the registry's table never needs rebuilding.

import type { WheelNode } from './deadline-wheel.ts';

/** Exactly the Python encoded() keys, in Python's order. */
export interface EncodedAgent {
  expired: boolean;
  time_expired: number | null;
  last_updated: number;
  op_codes: Record<string, number>;
  agent_class: string | null;
  agent_address: string;
}

export class RegisteredAgent implements WheelNode {
  readonly address: string;
  readonly entry: EncodedAgent;
  /** Feed session_id of the agent process; a new one means the agent restarted. */
  sessionId: string | null;
  restarts = 0;
  heartbeats = 0;
  readonly firstSeen: number;
  /** Registry time of the last join, revive, expiry, restart or op change. */
  lastTransition: number;
  /** Op names and their live codes, in heartbeat order. */
  opNames: string[] = [];
  liveCodes: number[] = [];
  /** agent_operations field per op; null when Python would skip it or another agent owns it. */
  fieldNames: (string | null)[] = [];

  // Deadline wheel links (see deadline-wheel.ts).
  deadline = 0;
  bucket = 0;
  wheelPrev: WheelNode | null = null;
  wheelNext: WheelNode | null = null;
  inWheel = false;

  constructor(address: string, agentClass: string | null, sessionId: string | null, now: number) {
    this.address = address;
    this.sessionId = sessionId;
    this.firstSeen = now;
    this.lastTransition = now;
    this.entry = {
      expired: false,
      time_expired: null,
      last_updated: now,
      op_codes: {},
      agent_class: agentClass,
      agent_address: address,
    };
  }

  get expired(): boolean {
    return this.entry.expired;
  }

  get lastUpdated(): number {
    return this.entry.last_updated;
  }

  /** The codes as reported now: live codes, or all EXPIRED. */
  codeAt(i: number): number {
    return this.entry.expired ? 7 : (this.liveCodes[i] ?? 1);
  }
}

/** Build an op_codes object; a fresh object so readers never see it change. */
export function opCodesObject(names: readonly string[], codes: readonly number[] | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    out[names[i] as string] = typeof codes === 'number' ? codes : (codes[i] as number);
  }
  return out;
}
