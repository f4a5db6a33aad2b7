// The registry core: pure state, no I/O, no timers, no runtime APIs.
export { type Clock, floatTime, type UnixSeconds } from './clock.ts';
export { enforceFieldNameRules, fieldNameProblem, operationFieldName } from './field-name.ts';
export { type HeartbeatLimits } from './heartbeat.ts';
export { isOpCode, OP_CODE_NAMES, OpCode, ResponseCode } from './op-code.ts';
export { type EncodedAgent, RegisteredAgent, type SuspectReason } from './registered-agent.ts';
export { DEFAULT_FLAP_RULE, type FlapRule } from './flapping.ts';
export { type AgentChange, type IngestResult, Registry, type RegistryCounters, type RegistryOptions, type RestoreResult } from './registry.ts';
export {
  readSavedAgent,
  readSavedState,
  SAVED_STATE_TAIL,
  SAVED_STATE_VERSION,
  type SavedAgent,
  savedAgentLine,
  savedAgents,
  type SavedExtras,
  type SavedState,
  savedStateHead,
  savedStateText,
} from './saved-state.ts';
export { type Transition, TransitionHistory } from './transition-history.ts';
export { type LeadershipStatus, type ReadonlyAgent, type RegistryView } from './view.ts';
export { type Rejection, REJECTION_REASONS, type RejectionReason } from './rejection.ts';
export { LOG_TEXT_MAX, logText } from './log-text.ts';
