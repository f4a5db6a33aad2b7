// The in-process crossbar simulator: a WAMP router driven purely by messages.
// Transports are attached to it; `connect()` is the shortcut that makes an
// in-memory pair and returns a joined client session on the other end.

import type { WampTransport } from '../../src/wamp/transport.ts';
import { WampPeer, type WampPeerOptions } from '../../src/wamp/peer.ts';
import { MemoryTransport } from '../transport/memory.ts';
import type { MessagePump } from '../transport/pump.ts';
import type { SerializeMode } from '../transport/serialize.ts';
import type { AuthorizeHook } from './authorize.ts';
import type { RouterCore } from './core.ts';
import { randomSessionId } from './ids.ts';
import { Realm } from './realm.ts';
import { type RouterHost, RouterSession } from './router-session.ts';
import { newRouterStats, type RouterStats } from './stats.ts';

export type { AuthorizeHook, RouterAction, SessionInfo } from './authorize.ts';
export type { RouterStats } from './stats.ts';

export interface RouterOptions {
  /** Realms that exist from the start. */
  realms?: string[];
  /** Create a realm on its first HELLO (default true); otherwise HELLO for an unknown realm gets ABORT wamp.error.no_such_realm. */
  autoCreateRealms?: boolean;
  /** Default serialization of transports made by `connect()` (default 'none': zero-copy). */
  serialize?: SerializeMode;
  /** Permission check for publish/subscribe/call/register (default: allow all). */
  authorize?: AuthorizeHook;
  /** Delivery queue for `connect()` transports (default: the shared pump). */
  pump?: MessagePump;
}

export interface ConnectOptions extends WampPeerOptions {
  /** The role the router assigns (crossbar takes it from transport config); default 'anonymous'. */
  authrole?: string;
  serialize?: SerializeMode;
}

export interface KillOptions {
  /** Say GOODBYE with this reason first (like crossbar's wamp.session.kill, 'wamp.close.killed'); default: just drop the connection. */
  reason?: string;
  message?: string;
}

export class Router {
  readonly stats: RouterStats = newRouterStats();
  readonly #core: RouterCore;
  readonly #realms = new Map<string, Realm>();
  /** Joined sessions by id, all realms. */
  readonly #sessions = new Map<number, RouterSession>();
  /** Every attached transport's session, joined or not. */
  readonly #attached = new Set<RouterSession>();
  readonly #autoCreateRealms: boolean;
  readonly #serialize: SerializeMode;
  readonly #pump: MessagePump | undefined;
  readonly #host: RouterHost;
  #closed = false;

  constructor(options: RouterOptions = {}) {
    this.#core = { stats: this.stats, authorize: options.authorize };
    this.#autoCreateRealms = options.autoCreateRealms ?? true;
    this.#serialize = options.serialize ?? 'none';
    this.#pump = options.pump;
    for (const name of options.realms ?? []) this.#realms.set(name, new Realm(name, this.#core));
    this.#host = {
      core: this.#core,
      realmFor: (name) => {
        let realm = this.#realms.get(name);
        if (!realm && this.#autoCreateRealms) this.#realms.set(name, (realm = new Realm(name, this.#core)));
        return realm;
      },
      newSessionId: () => randomSessionId((id) => this.#sessions.has(id)),
      sessionJoined: (session) => void this.#sessions.set(session.id, session),
      sessionLeft: (session) => void this.#sessions.delete(session.id),
      transportClosed: (session) => void this.#attached.delete(session),
    };
  }

  get authorize(): AuthorizeHook | undefined {
    return this.#core.authorize;
  }

  /** Replace the permission hook; takes effect on the next request. */
  set authorize(hook: AuthorizeHook | undefined) {
    this.#core.authorize = hook;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Serve a router-side transport; its client must start with HELLO. */
  attach(transport: WampTransport): void {
    if (this.#closed) {
      transport.close('router closed');
      return;
    }
    this.#attached.add(new RouterSession(transport, this.#host));
  }

  /** An in-memory client session joined to `realm`. */
  connect(realm: string, options: ConnectOptions = {}): Promise<WampPeer> {
    const { client, router } = MemoryTransport.pair({
      serialize: options.serialize ?? this.#serialize,
      pump: this.#pump,
      info: { type: 'memory', authrole: options.authrole, authid: options.authid },
    });
    this.attach(router);
    return WampPeer.join(client, realm, options);
  }

  /** Joined sessions in `realm` (0 for an unknown realm). */
  sessionCount(realm: string): number {
    return this.#realms.get(realm)?.sessions.size ?? 0;
  }

  get realmNames(): string[] {
    return [...this.#realms.keys()];
  }

  /** Fault hook: end a session as if its connection dropped (or with GOODBYE, see KillOptions). False if no such session. */
  killSession(id: number, options: KillOptions = {}): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    if (options.reason !== undefined) session.goodbye(options.reason, options.message ?? 'session killed');
    else session.transport.close('killed by router');
    return true;
  }

  /** Say GOODBYE (wamp.close.system_shutdown) to every session and close every transport; later attaches are refused. */
  close(reason: string = 'wamp.close.system_shutdown'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#attached]) session.goodbye(reason, 'router is shutting down');
  }
}
