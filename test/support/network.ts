// The in-process OCS network is public API now (testing/sim-network.ts); tests use it under its old name.
export { REALM, REGISTRY, SimNetwork as Network, type SimNetworkOptions as NetworkOptions } from '../../testing/sim-network.ts';
