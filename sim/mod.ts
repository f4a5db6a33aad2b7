/**
 * The crossbar simulator, public API of `ocs-registry/sim`: an in-process
 * WAMP router with crossbar's behaviour and fault hooks ({@link Router}), its
 * network endpoint (WebSocket, HTTP bridge; {@link startEndpoint}), that
 * router spread over proxy processes on one port ({@link startCluster}), fake OCS
 * agents ({@link FakeDataAgent}, {@link DemoNetwork}) and the load-test swarm
 * ({@link Swarm}).
 *
 * @example Two sessions on the in-process router: a wildcard subscription sees a heartbeat
 * ```ts
 * import assert from 'node:assert/strict';
 * import { Router } from 'ocs-registry/sim';
 * import { settle } from 'ocs-registry/testing';
 *
 * const router = new Router({ realms: ['test_realm'] });
 * const registry = await router.connect('test_realm');
 * const agent = await router.connect('test_realm');
 * const topics = [];
 * await registry.subscribe('observatory..feeds.heartbeat', (_args, _kwargs, details) => topics.push(details.topic ?? ''), {
 *   match: 'wildcard',
 * });
 * agent.publish('observatory.fake1.feeds.heartbeat', [[{}, {}]]);
 * await settle();
 * assert.deepEqual(topics, ['observatory.fake1.feeds.heartbeat']);
 * router.close();
 * ```
 *
 * @module
 */

export { type ConnectOptions, Router, type RouterAction, type RouterFaults, type RouterOptions, type RouterStats } from './router/index.ts';
export { type CrossbarConfig, type EndpointOptions, parseCrossbarConfig, type SimEndpoint, startEndpoint } from './endpoint/index.ts';
export { type ClusterOptions, type ProxyInfo, type ProxyProcess, type ProxySlotOptions, type SimCluster, startCluster } from './cluster/cluster.ts';
export { FakeDataAgent, type FakeDataOptions } from './agents/fake-data.ts';
export { DemoNetwork, type DemoOptions } from './swarm/demo.ts';
export { Swarm, type SwarmOptions, type SwarmStats } from './swarm/swarm.ts';
export { DEFAULT_SCENARIO, type Scenario, validateScenario } from './swarm/scenario.ts';
export { type Connector, inProcessConnector, webSocketConnector } from './swarm/connection.ts';
