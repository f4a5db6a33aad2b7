/**
 * Test helpers, public API of `ocs-registry/testing`: a {@link FakeClock}
 * that moves only when the test says so, {@link settle}, {@link runFor} and
 * {@link until} to wait on an in-process network without sleeping, and
 * {@link SimNetwork}: the simulator's router, the TypeScript Registry Agent,
 * FakeDataAgents and a client, started inside a test.
 *
 * @example A FakeDataAgent joins, the registry lists it; silenced, it expires
 * ```ts
 * import assert from 'node:assert/strict';
 * import { SimNetwork } from 'ocs-registry/testing';
 *
 * const net = await SimNetwork.start({ fakeData: ['fake-data-1'] });
 * await net.until(async () => (await net.entry('observatory.fake-data-1')) !== undefined);
 * assert.equal((await net.entry('observatory.fake-data-1'))?.agent_class, 'FakeDataAgent');
 *
 * await net.ops('observatory.fake-data-1', ['start', 'set_heartbeat', { heartbeat: false }]);
 * await net.until(async () => (await net.entry('observatory.fake-data-1'))?.expired === true, { timeoutMs: 20_000 });
 * const entry = await net.entry('observatory.fake-data-1');
 * assert.ok(entry && entry.time_expired !== null && entry.time_expired - entry.last_updated >= 5, 'after the 5 s agent timeout');
 * await net.stop();
 * ```
 *
 * @module
 */

export { FakeClock } from './fake-clock.ts';
export { runFor, settle, until, type UntilOptions } from './settle.ts';
export { REALM, REGISTRY, type RegistryEntry, SimNetwork, type SimNetworkOptions } from './sim-network.ts';
