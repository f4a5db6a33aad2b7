// The registry's table as a file (issue 13): what a restart needs to show
// the network as it was, with the downtime counted. Pure: the text in, the
// text out; the Registry Agent's state keeper writes it and the program reads it.
//
// JSON, one agent per line so a large file is diffable and cheap to build in
// slices:
//   {"format":"ocs-registry-state","version":2,"saved_at":…,"address_root":…,
//    "agent_timeout":…,"agents":[
//   [address, agent_class, session_id, last_updated, expired, time_expired,
//    {op: live code}, restarts, heartbeats, first_seen, last_transition,
//    intervals, flaps, history],
//   …]}
// where
//   intervals  [last_interval, mean_interval, jitter] or null: the heartbeat
//              interval statistics, so suspect works at once after a restart;
//   flaps      {"flapping": reason or null, "recent": [[at, "revival"|"restart"], …]}
//              or null: the flapping record (issue 14), so an agent flapping
//              before a restart is still flapping after it;
//   history    [[event id or null, type, at, {op: code}], …] oldest first, or
//              null: the agent's recent transitions (GET /api/agents/:address).
// Version 1 (before flaps and history) has 11 or 12 fields and still loads:
// its agents come back without flapping records and history.
// The file is untrusted input when read back: every field is checked, and any
// problem refuses the whole file (a clear one-line reason, never a throw).

import { describeValue } from './rejection.ts';
import type { Flap, FlapDetector } from './flapping.ts';
import type { RegisteredAgent } from './registered-agent.ts';
import type { Transition, TransitionHistory } from './transition-history.ts';

export const SAVED_STATE_FORMAT = 'ocs-registry-state';
/** The version this registry writes. */
export const SAVED_STATE_VERSION = 2;
/** Versions it reads, and the fields of an agent record in each: [fewest, most]. */
const RECORD_FIELDS: Readonly<Record<number, readonly [number, number]>> = { 1: [11, 12], 2: [11, 14] };
/** Bounds on what a record may hold beyond the table itself (a file is untrusted). */
const MAX_FLAPS = 1000;
const MAX_HISTORY = 1000;
const MAX_TEXT = 1000;

/** One agent as read back from a file: types checked, names and codes still to be checked by the registry. */
export interface SavedAgent {
  readonly address: string;
  readonly agentClass: string | null;
  readonly sessionId: string | null;
  readonly lastUpdated: number;
  readonly expired: boolean;
  readonly timeExpired: number | null;
  /** Live codes (the last ones heard, also for an expired agent). */
  readonly opCodes: Record<string, unknown>;
  readonly restarts: number;
  readonly heartbeats: number;
  readonly firstSeen: number;
  readonly lastTransition: number;
  /** Heartbeat interval statistics [last, mean, jitter] in seconds; null when not known (or not in the file). */
  readonly intervals: readonly [number, number, number] | null;
  /** Its flapping record: recent revivals and restarts, and the reason it is flagged (null: it is not); null when it has none. */
  readonly flaps: { readonly reason: string | null; readonly recent: readonly Flap[] } | null;
  /** Its recent transitions, oldest first; null when none were kept (or not in the file). */
  readonly history: readonly Transition[] | null;
}

/** What a line holds beyond the agent itself: its flapping record and its history, where kept. */
export interface SavedExtras {
  readonly flaps?: FlapDetector | null;
  readonly history?: TransitionHistory | null;
}

/**
 * A file whose head was checked; its agent records are checked one by one as
 * they are restored (readSavedAgent), in the same pass: one bad record
 * refuses the whole file all the same (Registry.restore undoes what it did).
 */
export interface SavedState {
  readonly savedAt: number;
  readonly addressRoot: string;
  readonly agentTimeout: number;
  readonly version: number;
  /** The agent records as parsed, not yet checked. */
  readonly records: readonly unknown[];
  readonly maxNameLength: number;
}

/** The file's head, up to the opening of the agent list. */
export function savedStateHead(savedAt: number, addressRoot: string, agentTimeout: number): string {
  return `{"format":${JSON.stringify(SAVED_STATE_FORMAT)},"version":${SAVED_STATE_VERSION},"saved_at":${savedAt},` +
    `"address_root":${JSON.stringify(addressRoot)},"agent_timeout":${agentTimeout},"agents":[\n`;
}

export const SAVED_STATE_TAIL = ']}\n';

/** One agent's line (without separator). */
export function savedAgentLine(agent: RegisteredAgent, extras: SavedExtras = {}): string {
  const names = agent.opNames;
  const codes: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) codes[names[i] as string] = agent.liveCodeAt(i);
  return JSON.stringify([
    agent.agent_address,
    agent.agent_class,
    agent.sessionId,
    agent.last_updated,
    agent.expired,
    agent.time_expired,
    codes,
    agent.restarts,
    agent.heartbeats,
    finiteOr(agent.firstSeen, agent.last_updated),
    finiteOr(agent.lastTransition, agent.last_updated),
    Number.isFinite(agent.meanInterval) ? [agent.lastInterval, agent.meanInterval, agent.intervalJitter] : null,
    flapsOf(agent, extras.flaps),
    historyOf(agent, extras.history),
  ]);
}

function flapsOf(agent: RegisteredAgent, flaps: FlapDetector | null | undefined): unknown {
  const record = flaps?.recordOf(agent.index);
  if (!record) return null;
  return { flapping: record.flagged ? agent.flapReason : null, recent: record.recent.map((f) => [f.at, f.kind]) };
}

function historyOf(agent: RegisteredAgent, history: TransitionHistory | null | undefined): unknown {
  const past = history?.of(agent.agent_address);
  if (!past || past.length === 0) return null;
  return past.map((t) => [t.id, t.type, t.at, t.op_codes]);
}

/** The whole file for a list of agents (the state keeper builds the same text in slices). */
export function savedStateText(
  agents: readonly RegisteredAgent[],
  savedAt: number,
  addressRoot: string,
  agentTimeout: number,
  extras: SavedExtras = {},
): string {
  const lines = agents.map((agent) => savedAgentLine(agent, extras));
  return savedStateHead(savedAt, addressRoot, agentTimeout) + lines.join(',\n') + SAVED_STATE_TAIL;
}

export interface SavedStateLimits {
  readonly addressRoot: string;
  readonly maxAgents: number;
  readonly maxNameLength: number;
}

/**
 * Check a parsed file's head (format, version, root, timeout) and that it
 * holds a list of at most `maxAgents` records: the state, or a one-line reason
 * to refuse the whole file. Each record is checked as it is restored.
 */
export function readSavedState(value: unknown, limits: SavedStateLimits): SavedState | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `the file holds ${describeValue(value)}, not a state object`;
  const v = value as Record<string, unknown>;
  if (v.format !== SAVED_STATE_FORMAT) return `the file's format is ${describeValue(v.format)}, not "${SAVED_STATE_FORMAT}"`;
  const version = v.version;
  if (typeof version !== 'number' || RECORD_FIELDS[version] === undefined) {
    return `the file is version ${describeValue(version)}; this registry reads versions ${Object.keys(RECORD_FIELDS).join(' and ')}`;
  }
  if (!isTime(v.saved_at)) return `saved_at is ${describeValue(v.saved_at)}, not a Unix time`;
  if (v.address_root !== limits.addressRoot) {
    return `the file is for address root ${describeValue(v.address_root)}, not "${limits.addressRoot}"`;
  }
  const timeout = v.agent_timeout;
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout < 1e6)) return `agent_timeout is ${describeValue(timeout)}`;
  const list = v.agents;
  if (!Array.isArray(list)) return `agents is ${describeValue(list)}, not a list`;
  if (list.length > limits.maxAgents) return `the file holds ${list.length} agents, more than --max-agents ${limits.maxAgents}`;
  return { savedAt: v.saved_at, addressRoot: limits.addressRoot, agentTimeout: timeout, version, records: list, maxNameLength: limits.maxNameLength };
}

/**
 * Record `i` with every field's type and range checked, or a one-line reason
 * (starting "agent i:") to refuse the file. Names, codes and addresses are
 * then checked by the registry with its heartbeat rules.
 */
export function readSavedAgent(state: SavedState, i: number): SavedAgent | string {
  const agent = readAgent(state.records[i], RECORD_FIELDS[state.version] as readonly [number, number], state.maxNameLength);
  return typeof agent === 'string' ? `agent ${i}: ${agent}` : agent;
}

/** Every record, checked for types (not yet with the heartbeat rules): for tools and tests that look into a file. */
export function savedAgents(state: SavedState): SavedAgent[] | string {
  const agents: SavedAgent[] = [];
  for (let i = 0; i < state.records.length; i++) {
    const agent = readSavedAgent(state, i);
    if (typeof agent === 'string') return agent;
    agents.push(agent);
  }
  return agents;
}

function readAgent(record: unknown, [fewest, most]: readonly [number, number], maxName: number): SavedAgent | string {
  if (!Array.isArray(record) || record.length < fewest || record.length > most) {
    return `record is ${describeValue(record)}, not ${fewest} to ${most} fields`;
  }
  const [
    address,
    agentClass,
    sessionId,
    lastUpdated,
    expired,
    timeExpired,
    opCodes,
    restarts,
    heartbeats,
    firstSeen,
    lastTransition,
    intervals,
    flaps,
    history,
  ] = record;
  if (typeof address !== 'string') return `address is ${describeValue(address)}`;
  if (!isName(agentClass, maxName)) return `agent_class is ${describeValue(agentClass)}`;
  if (!isName(sessionId, maxName)) return `session_id is ${describeValue(sessionId)}`;
  if (!isTime(lastUpdated)) return `last_updated is ${describeValue(lastUpdated)}`;
  if (typeof expired !== 'boolean') return `expired is ${describeValue(expired)}`;
  if (expired ? !isTime(timeExpired) : timeExpired !== null) return `time_expired is ${describeValue(timeExpired)} with expired ${expired}`;
  if (typeof opCodes !== 'object' || opCodes === null || Array.isArray(opCodes)) return `op_codes is ${describeValue(opCodes)}`;
  if (!isCount(restarts)) return `restarts is ${describeValue(restarts)}`;
  if (!isCount(heartbeats)) return `heartbeats is ${describeValue(heartbeats)}`;
  if (!isTime(firstSeen)) return `first_seen is ${describeValue(firstSeen)}`;
  if (!isTime(lastTransition)) return `last_transition is ${describeValue(lastTransition)}`;
  if (intervals !== undefined && intervals !== null && !isIntervals(intervals)) return `intervals is ${describeValue(intervals)}`;
  const flapRecord = flaps === undefined || flaps === null ? null : readFlaps(flaps);
  if (typeof flapRecord === 'string') return `flaps: ${flapRecord}`;
  const past = history === undefined || history === null ? null : readHistory(history, maxName);
  if (typeof past === 'string') return `history: ${past}`;
  return {
    address,
    agentClass: agentClass as string | null,
    sessionId: sessionId as string | null,
    lastUpdated,
    expired,
    timeExpired: timeExpired as number | null,
    opCodes: opCodes as Record<string, unknown>,
    restarts,
    heartbeats,
    firstSeen,
    lastTransition,
    intervals: isIntervals(intervals) ? intervals : null,
    flaps: flapRecord,
    history: past,
  };
}

function readFlaps(value: unknown): SavedAgent['flaps'] | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `it is ${describeValue(value)}`;
  const { flapping, recent } = value as Record<string, unknown>;
  if (!(flapping === null || (typeof flapping === 'string' && flapping.length <= MAX_TEXT))) return `flapping is ${describeValue(flapping)}`;
  if (!Array.isArray(recent) || recent.length > MAX_FLAPS) return `recent is ${describeValue(recent)}`;
  const flaps: Flap[] = [];
  for (const entry of recent) {
    if (!Array.isArray(entry) || entry.length !== 2 || !isTime(entry[0]) || (entry[1] !== 'revival' && entry[1] !== 'restart')) {
      return `a recent transition is ${describeValue(entry)}`;
    }
    flaps.push({ at: entry[0], kind: entry[1] });
  }
  return { reason: flapping, recent: flaps };
}

function readHistory(value: unknown, maxName: number): Transition[] | string {
  if (!Array.isArray(value) || value.length > MAX_HISTORY) return `it is ${describeValue(value)}`;
  const past: Transition[] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 4) return `a transition is ${describeValue(entry)}`;
    const [id, type, at, codes] = entry;
    if (!(id === null || (typeof id === 'string' && id.length <= maxName))) return `an event id is ${describeValue(id)}`;
    if (typeof type !== 'string' || !/^[a-z-]{1,40}$/.test(type)) return `a transition type is ${describeValue(type)}`;
    if (!isTime(at)) return `a transition time is ${describeValue(at)}`;
    if (!isCodes(codes, maxName)) return `a transition's op codes are ${describeValue(codes)}`;
    past.push({ id, type, at, op_codes: codes });
  }
  return past;
}

/** {op name: code}, names at most `maxName` long, codes OCS's 1-8; at most MAX_HISTORY ops. */
function isCodes(value: unknown, maxName: number): value is Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let count = 0;
  for (const name in value) {
    const code = (value as Record<string, unknown>)[name];
    if (++count > MAX_HISTORY || name.length > maxName || typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 8) return false;
  }
  return true;
}

/** [last, mean, jitter]: seconds, finite, not negative, under a day. */
function isIntervals(value: unknown): value is [number, number, number] {
  return Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number' && x >= 0 && x < 86_400);
}

function isName(value: unknown, max: number): value is string | null {
  return value === null || (typeof value === 'string' && value.length <= max);
}

/** Unix seconds between 1970 and the year 5138: anything else is not a time this registry wrote. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < 1e11;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
