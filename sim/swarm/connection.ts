// How a swarm agent reaches a router: in-process (a memory transport into the
// simulator) or over WebSocket (the simulator's endpoint or a real crossbar).
// `drop()` is a crash: the connection goes away with no GOODBYE, as when an
// agent's process dies.
import type { Router } from '../router/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import type { SerializeMode } from '../transport/serialize.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import type { WampSerializer } from '../../src/wamp/serializers/index.ts';

export interface SwarmConnection {
  session: WampSession;
  /** Close the transport without GOODBYE. */
  drop(): void;
}

export type Connector = () => Promise<SwarmConnection>;

export function inProcessConnector(router: Router, realm: string, serialize: SerializeMode = 'none'): Connector {
  return async () => {
    const { client, router: end } = MemoryTransport.pair({ serialize, info: { type: 'memory' } });
    router.attach(end);
    const session = await WampPeer.join(client, realm);
    return { session, drop: () => client.close('agent crashed') };
  };
}

/** `serializers`: offered in this order (default JSON only). */
export function webSocketConnector(url: string, realm: string, serializers?: readonly WampSerializer[]): Connector {
  return async () => {
    const transport = await WebSocketTransport.connect(url, { serializers });
    const session = await WampPeer.join(transport, realm);
    return { session, drop: () => transport.close('agent crashed') };
  };
}
