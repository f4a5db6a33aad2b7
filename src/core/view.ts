// Read-only views of the registry and its agents: what readers (the HTTP API,
// metrics, the page) may see. The Registry and RegisteredAgent implement them;
// only the Registry Agent holds the mutable objects.

import type { EncodedAgent, RegisteredAgent } from './registered-agent.ts';
import type { RegistryCounters } from './registry.ts';

/** One tracked agent, as a reader sees it: its encoded entry and its statistics, no mutators. */
export type ReadonlyAgent = Readonly<
  Pick<
    RegisteredAgent,
    | keyof EncodedAgent
    | 'address'
    | 'index'
    | 'forgotten'
    | 'sessionId'
    | 'restarts'
    | 'heartbeats'
    | 'firstSeen'
    | 'lastTransition'
    | 'opNames'
    | 'packedCodes'
    | 'bigCodes'
    | 'collidesWith'
    | 'lastInterval'
    | 'meanInterval'
    | 'intervalJitter'
    | 'codeAt'
    | 'timeout'
    | 'suspect'
    | 'suspectSince'
    | 'flapping'
    | 'flapReason'
  >
>;

/** The registry as a reader sees it. */
export interface RegistryView {
  readonly addressRoot: string;
  readonly agentTimeout: number;
  readonly classTimeouts: Readonly<Record<string, number>>;
  readonly suspectAfter: number;
  readonly maxAgents: number;
  /** Seconds an agent stays expired before it is forgotten; Infinity: never (Python's behaviour). */
  readonly forgetAfter: number;
  readonly size: number;
  readonly expiredCount: number;
  readonly suspectCount: number;
  readonly flappingCount: number;
  timeoutOf(agentClass: string | null): number;
  readonly counters: Readonly<RegistryCounters>;
  get(address: string): ReadonlyAgent | undefined;
  /** Every agent tracked, in join order until one is forgotten (the last joined then takes its slot). */
  agents(): readonly ReadonlyAgent[];
  table(): Readonly<Record<string, Readonly<EncodedAgent>>>;
  fieldName(agent: ReadonlyAgent, op: string): string | null;
}

/** Who a registry is among those at its address (hot standby): what the log, the API, /metrics and the page show. */
export interface LeadershipStatus {
  /** Started with --standby. */
  readonly standby: boolean;
  /** single: the only registry (no --standby); leader, candidate or standby otherwise. */
  readonly role: 'single' | 'leader' | 'candidate' | 'standby';
  /** Since when (Unix seconds). */
  readonly since: number;
  /** Times this process took over as leader. */
  readonly takeovers: number;
  /** Id of this process, and of the leader last heard (null: none yet). */
  readonly id: string | null;
  readonly leader: string | null;
}
