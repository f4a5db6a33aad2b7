// What any OCS agent is on the wire: procedures {addr} and {addr}.ops,
// operations and their sessions, params, feeds and the heartbeat.
export { OCSAgent, type OCSAgentOptions } from './agent.ts';
export { Block, type EncodedBlock } from './block.ts';
export { bindArguments, type Signature } from './call-args.ts';
export { type AccessControlAdvert, CredLevel, credLevelText, rejectionMessage } from './cred-level.ts';
export { AgentJoinError, ParamError, PyError } from './errors.ts';
export { dataTypeProblem, Feed, type FeedEncoded, type FeedOptions, type FeedPublisher } from './feed.ts';
export { HeartbeatLoop } from './heartbeat.ts';
export { crashText } from './launcher.ts';
export { type AgentApi, type AgentDescription, getApi, handleManagement, type NoHistory, type OpTuple } from './management.ts';
export { type EncodedSession, OpSession, type PurgePolicy, type SessionMessage, type SessionStatus } from './op-session.ts';
export {
  type OpBody,
  Operation,
  type OpKind,
  type OpStopper,
  type ProcessInfo,
  type ProcessOptions,
  type Startup,
  type TaskInfo,
  type TaskOptions,
} from './operation.ts';
export { OperationTable, type OperationTableOptions, type OpsReply } from './operation-table.ts';
export { handleOps } from './ops-endpoint.ts';
export { getParam, type ParamList, type ParamSpec, type ParamType, prescreen, pyFloatStr } from './params.ts';
export { pyFloatRepr, pyRepr, pyStr } from './py-repr.ts';
