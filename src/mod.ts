/**
 * The OCS Registry Agent in TypeScript: the public API of `ocs-registry`
 * (npm) and `@ocs/registry` (JSR). What is not exported here, from
 * `ocs-registry/sim` or from `ocs-registry/testing` is internal.
 *
 * - the core: {@link Registry} keeps agents by their heartbeats, with no I/O
 *   and no timers (it takes `now` and returns what changed);
 * - the Registry Agent ({@link RegistryAgent}) and the OCS agent framework it
 *   is built on ({@link OCSAgent}, operations, feeds, the heartbeat);
 * - the WAMP client ({@link WampPeer} over {@link WebSocketTransport}, kept
 *   joined by {@link Reconnector});
 * - the HTTP app ({@link createHttpApp}: API, event stream, metrics, page);
 * - the whole program as a service ({@link RegistryService}) with its
 *   configuration ({@link loadRegistryConfig}).
 *
 * @example The core on its own: one heartbeat in, one agent known
 * ```ts
 * import assert from 'node:assert/strict';
 * import { OpCode, Registry } from 'ocs-registry';
 *
 * const registry = new Registry({ addressRoot: 'observatory', agentTimeout: 5 });
 * const feed = {
 *   agent_address: 'observatory.fake1',
 *   feed_name: 'heartbeat',
 *   address: 'observatory.fake1.feeds.heartbeat',
 *   record: false,
 *   agg_params: {},
 *   session_id: '1700000000.0',
 *   agent_class: 'FakeDataAgent',
 * };
 * registry.ingest('observatory.fake1.feeds.heartbeat', [[{ acq: OpCode.RUNNING }, feed]], 1_700_000_000);
 * assert.equal(registry.get('observatory.fake1')?.op_codes.acq, OpCode.RUNNING);
 * ```
 *
 * @module
 */

export { VERSION } from './core/version.ts';
export * from './core/index.ts';
export * from './agent/index.ts';
export { RegistryAgent, type RegistryAgentOptions } from './registry/registry-agent.ts';
export { type Args, CallResult, type Kwargs, WampError, WampErrors, type WampSession } from './wamp/session.ts';
export { WampPeer, type WampPeerOptions } from './wamp/peer.ts';
export { WebSocketTransport, type WebSocketTransportOptions } from './wamp/websocket-transport.ts';
export { type ConnectionState, type ReconnectOptions, Reconnector } from './wamp/reconnect.ts';
export { createHttpApp, type HttpApp, type HttpDeps, type RegistrySource } from './http/index.ts';
export { HelpRequested, loadRegistryConfig, type RegistryConfig, UsageError } from './config/index.ts';
export { RegistryService, type RegistryServiceDeps } from './service/registry-service.ts';
export { systemClock } from './runtime/system-clock.ts';
