// The crossbar stand-in served over the network (WebSocket + HTTP bridge).
export { defaultTransport, type EndpointOptions, type EndpointStats, type SimEndpoint, startEndpoint } from './endpoint.ts';
export { type CrossbarConfig, parseCrossbarConfig, type PathConfig, type TransportConfig } from './crossbar-config.ts';
export { authorizeByRoles, permissionFor } from './permissions.ts';
export { chooseSerializer, SERIALIZERS, type WampSerializer } from '../../src/wamp/serializers/index.ts';
