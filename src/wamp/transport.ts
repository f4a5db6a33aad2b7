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
  /**
   * Set by the owner, for a transport that reads JSON text: offered each
   * message's text (`text[from, to)`) before it is parsed; true means taken
   * (onMessage is not called for it). Transports that cannot offer it ignore it.
   */
  onMessageText?: ((text: string, from: number, to: number) => boolean) | null;
  /** Close the connection. Both ends' `onClose` fire once. */
  close(reason?: string): void;
  /** Set by the owner; called once when either end closes. */
  onClose: ((reason: string) => void) | null;
}

/**
 * crossbar's default WebSocket `max_message_size` (crossbar/router/protocol.py
 * DEFAULT_MAX_MESSAGE_SIZE = 2**24). A bigger message a peer sends costs it
 * its connection (close 1009); a bigger one crossbar would send is refused.
 */
export const ROUTER_MAX_MESSAGE_BYTES = 2 ** 24;

/** A message over the transport's size limit; it was not sent (autobahn's PayloadExceededError). */
export class PayloadExceededError extends RangeError {
  readonly bytes: number;
  readonly limit: number;
  constructor(bytes: number, limit: number) {
    // autobahn's text, which crossbar passes on to callers.
    super(`tried to send WebSocket message with size ${bytes} exceeding payload limit of ${limit} octets`);
    this.name = 'PayloadExceededError';
    this.bytes = bytes;
    this.limit = limit;
  }
}
