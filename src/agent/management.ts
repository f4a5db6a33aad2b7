// The management procedure `{addr}` (docs/ocs-protocol.md §2.5, ocs_agent.py:409-494):
// get_api and its deprecated subsets, for adaptive clients such as OCSClient.
import { bindArguments, type Signature } from './call-args.ts';
import type { AccessControlAdvert } from './cred-level.ts';
import type { Feed, FeedEncoded } from './feed.ts';
import type { EncodedSession } from './op-session.ts';
import type { OpKind, ProcessInfo, TaskInfo } from './operation.ts';
import type { OperationTable } from './operation-table.ts';

export interface AgentDescription {
  readonly agentClass: string | null;
  readonly hostname: string;
  readonly pid: number;
  readonly operations: OperationTable;
  readonly accessControl: AccessControlAdvert;
  feeds(): Iterable<Feed>;
}

export type NoHistory = { op_name: string; status: 'no_history' };
export type OpTuple = [string, EncodedSession | NoHistory, TaskInfo | ProcessInfo];

export interface AgentApi {
  agent_class: string | null;
  instance_hostname: string;
  instance_pid: number;
  feeds: [string, FeedEncoded][];
  processes: OpTuple[];
  tasks: OpTuple[];
  access_control: AccessControlAdvert;
}

const SIGNATURE: Signature = { name: 'OCSAgent._management_handler', params: ['q'], required: 1, varKeywords: true };

/** The `{addr}` endpoint body: bad call shapes throw WampError; unknown queries give null. */
export function handleManagement(agent: AgentDescription, args: unknown, kwargs: unknown): unknown {
  const { q } = bindArguments(SIGNATURE, args, kwargs);
  switch (q) {
    case 'get_api':
      return getApi(agent);
    case 'get_tasks':
      return gatherSessions(agent.operations, 'task');
    case 'get_processes':
      return gatherSessions(agent.operations, 'process');
    case 'get_feeds':
      return encodeFeeds(agent);
    case 'get_agent_class':
      return agent.agentClass;
    default:
      return null;
  }
}

export function getApi(agent: AgentDescription): AgentApi {
  return {
    agent_class: agent.agentClass,
    instance_hostname: agent.hostname,
    instance_pid: agent.pid,
    feeds: encodeFeeds(agent),
    processes: gatherSessions(agent.operations, 'process'),
    tasks: gatherSessions(agent.operations, 'task'),
    access_control: { ...agent.accessControl },
  };
}

function encodeFeeds(agent: AgentDescription): [string, FeedEncoded][] {
  const out: [string, FeedEncoded][] = [];
  for (const feed of agent.feeds()) out.push([feed.feedName, feed.encoded()]);
  return out;
}

/** Op tuples of one kind, sorted by name (Python `sorted(parent.items())`). */
export function gatherSessions(table: OperationTable, kind: OpKind): OpTuple[] {
  const ops = [...table.all()].filter((op) => op.kind === kind);
  ops.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ops.map((op): OpTuple => [
    op.name,
    op.session ? op.session.encoded() : { op_name: op.name, status: 'no_history' },
    op.info(),
  ]);
}
