// Crossbar's own scale-out, as a config: the router worker keeps the realm
// (and its web transport for /call and /info) and listens on a Unix socket
// for proxy workers; N proxy workers share one TCP port (SO_REUSEPORT),
// terminate WebSocket and the client's serializer, and forward each session
// to the router worker over RawSocket with CBOR (crossbar's own choice in its
// cluster code). Frontend sessions get the role the OCS path gives
// (iocs_agent), as on the router's own /ws.

/** A copy of `config` (OCS's shape: one router worker) with `proxies` proxy workers in front, listening on `port`. */
export function withProxyWorkers(config: Record<string, unknown>, proxies: number, port: number, socketPath: string): Record<string, unknown> {
  const out = structuredClone(config) as { workers: Array<Record<string, unknown>> };
  const router = out.workers[0] as { transports: unknown[]; realms: Array<{ name: string; roles: Array<{ name: string }> }> };
  router.transports.push({
    type: 'rawsocket',
    endpoint: { type: 'unix', path: socketPath },
    serializers: ['cbor'],
    auth: { 'anonymous-proxy': { type: 'static' } },
  });
  const connection = {
    realm: router.realms[0]!.name,
    transport: { type: 'rawsocket', endpoint: { type: 'unix', path: socketPath }, url: 'ws://localhost', serializer: 'cbor' },
    auth: { 'anonymous-proxy': { type: 'static' } },
  };
  const routes: Record<string, Record<string, string>> = {};
  for (const realm of router.realms) routes[realm.name] = Object.fromEntries(realm.roles.map((role) => [role.name, 'router']));
  for (let i = 1; i <= proxies; i++) {
    out.workers.push({
      type: 'proxy',
      id: `proxy${i}`,
      options: {},
      transports: [{
        type: 'web',
        endpoint: { type: 'tcp', port, interface: '127.0.0.1', shared: true },
        paths: {
          ws: {
            type: 'websocket',
            serializers: ['cbor', 'msgpack', 'json'],
            auth: { anonymous: { type: 'static', role: 'iocs_agent' } },
          },
        },
      }],
      routes,
      connections: { router: connection },
    });
  }
  return out;
}
