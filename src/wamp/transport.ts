// What a WAMP peer (client or router) needs from a connection: whole WAMP
// messages as plain arrays, exactly as on the wire. The in-memory pair
// (sim/transport/memory.ts) and later the WebSocket endpoints implement it.

/** Who is on the other end; the router reads authrole/authid from here (crossbar takes them from transport config). */
export interface TransportInfo {
  /** e.g. 'memory', 'websocket'. */
  type: string;
  authrole?: string;
  authid?: string;
}

export interface WampTransport {
  /** Optional description of the connection (set on router-side transports). */
  readonly info?: TransportInfo;
  /**
   * Send one message. Throws if the message cannot be serialized (JSON mode);
   * a send on a closed transport is dropped.
   */
  send(message: unknown[]): void;
  /** Set by the owner; called once per incoming message. */
  onMessage: ((message: unknown[]) => void) | null;
  /** Close the connection. Both ends' `onClose` fire once. */
  close(reason?: string): void;
  /** Set by the owner; called once when either end closes. */
  onClose: ((reason: string) => void) | null;
}
