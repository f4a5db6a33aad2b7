// Counters a test or the metrics page can read; plain numbers, bumped inline.

export interface RouterStats {
  /** Sessions that completed HELLO/WELCOME. */
  sessionsJoined: number;
  /** Sessions that left (GOODBYE, ABORT, transport closed, killed). */
  sessionsLeft: number;
  messagesIn: number;
  messagesOut: number;
  /** Malformed or out-of-order messages; each cost its session. */
  protocolViolations: number;
  /** Outgoing messages a transport refused (e.g. not serializable as JSON). */
  sendErrors: number;
  /** Exceptions inside the router itself (bugs); the session involved is aborted. */
  internalErrors: number;
  publications: number;
  eventsDelivered: number;
  calls: number;
  /** Requests refused by the authorize hook. */
  notAuthorized: number;
}

export function newRouterStats(): RouterStats {
  return {
    sessionsJoined: 0,
    sessionsLeft: 0,
    messagesIn: 0,
    messagesOut: 0,
    protocolViolations: 0,
    sendErrors: 0,
    internalErrors: 0,
    publications: 0,
    eventsDelivered: 0,
    calls: 0,
    notAuthorized: 0,
  };
}
