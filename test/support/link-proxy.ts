// A TCP hop between a registry and its router that a test controls: it can
// black-hole the link (bytes dropped, connections kept open), drop it (both
// ends closed, as a broken link noticed at once), or close the registry's end
// first and the router's end later (the router still holds the registry's old
// session, its ghost, while the registry reconnects).

import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class LinkProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  /** Router-side ends kept open after dropRegistrySide. */
  readonly #held = new Set<Socket>();
  #cut = false;
  port = 0;
  /** Connections made through the hop so far. */
  connections = 0;

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      this.connections++;
      const upstream = createConnection(targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.#pairs.add(pair);
      client.on('data', (d) => this.#cut || upstream.write(d));
      upstream.on('data', (d) => this.#cut || client.write(d));
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.#pairs.delete(pair);
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
  }

  static async start(targetPort: number): Promise<LinkProxy> {
    const proxy = new LinkProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** `wsUrl` (a router's) with its port replaced by this hop's. */
  urlFor(wsUrl: string): string {
    const url = new URL(wsUrl);
    url.port = String(this.port);
    return url.toString();
  }

  /** Drop every byte both ways; the connections stay open (no FIN, no RST). */
  cut(): void {
    this.#cut = true;
  }

  /** End the black-holed connections (as a TCP timeout would) and let new ones through. */
  heal(): void {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
    this.#cut = false;
  }

  /** Break every connection through the hop now, both ends at once. New ones go through. */
  drop(): void {
    this.heal();
  }

  /**
   * Break every connection on the registry's side now; the router's side
   * stays open, silent, until `routerNoticesAfterMs` have passed. New
   * connections go through meanwhile.
   */
  dropRegistrySide(routerNoticesAfterMs: number): void {
    for (const pair of this.#pairs) {
      const [client, upstream] = pair;
      this.#pairs.delete(pair);
      // The router's end keeps being read (its writes go nowhere), so it sees no backpressure either.
      upstream.removeAllListeners('data');
      upstream.removeAllListeners('close');
      upstream.on('data', () => {});
      client.removeAllListeners('close');
      client.removeAllListeners('error');
      client.on('error', () => {});
      client.destroy();
      this.#held.add(upstream);
      setTimeout(() => {
        upstream.destroy();
        this.#held.delete(upstream);
      }, routerNoticesAfterMs);
    }
  }

  close(): Promise<void> {
    this.heal();
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
