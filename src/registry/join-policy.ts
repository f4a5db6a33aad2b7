// When may the registry give up joining? A procedure it cannot register at
// first start means another live registry holds its address: a clear refusal
// (exit 1), as in Python. On a rejoin the holder is almost always the
// registry's own old session, which the router has not dropped yet (crossbar
// notices a dead connection only when its pings go unanswered): retry, within
// --crossbar-timeout, until the router lets go.

import { AgentJoinError } from '../agent/index.ts';

export function joinErrorIsFatal(err: unknown, rejoin: boolean): boolean {
  return !rejoin && err instanceof AgentJoinError;
}
