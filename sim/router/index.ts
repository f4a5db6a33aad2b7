// The in-process crossbar simulator: a WAMP router driven purely by messages.
// Transports are attached to it; `connect()` is the shortcut that makes an
// in-memory pair and returns a joined client session on the other end.
// Fault hooks (faults.drop/delay, pauseSession, partition, killSession,
// restart) let a test make the network and the router misbehave.

import type { Clock } from '../../src/core/clock.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import type { WampTransport } from '../../src/wamp/transport.ts';
import { WampPeer, type WampPeerOptions } from '../../src/wamp/peer.ts';
import { MemoryTransport } from '../transport/memory.ts';
import type { MessagePump } from '../transport/pump.ts';
import type { SerializeMode } from '../transport/serialize.ts';
import type { AuthorizeHook } from './authorize.ts';
import type { RouterCore } from './core.ts';
import { RouterFaults } from './faults.ts';
import { randomSessionId } from './ids.ts';
import { Realm } from './realm.ts';
import { type RouterHost, RouterSession } from './router-session.ts';
import { newRouterStats, type RouterStats } from './stats.ts';

export type { AuthorizeHook, RouterAction, SessionInfo } from './authorize.ts';
export type { RouterStats } from './stats.ts';
export type { DelayOptions, FaultHandle, FaultScope, RouterFaults } from './faults.ts';

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
  /** Time for delays, partitions and restart downtime (default: the system clock). */
  clock?: Clock;
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

export interface PartitionOptions {
  /** Heal by itself after this long on the router's clock; otherwise only `heal()` ends it. */
  durationMs?: number;
}

export interface RestartOptions {
  /** Refuse connections for this long on the router's clock, as a router that takes a while to come back (default 0). */
  downMs?: number;
}

export class Router {
  readonly stats: RouterStats = newRouterStats();
  /** Drop and delay rules for messages to sessions (see also pauseSession, partition). */
  readonly faults: RouterFaults;
  readonly #core: RouterCore;
  readonly #clock: Clock;
  readonly #configuredRealms: string[];
  readonly #restartListeners = new Set<() => void>();
  #down = false;
  #cancelDown: (() => void) | undefined;
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
    this.#clock = options.clock ?? systemClock;
    this.faults = new RouterFaults(this.#clock, (on) => void (this.#core.faultsOn = on));
    this.#core = { stats: this.stats, authorize: options.authorize, clock: this.#clock, faultsOn: false, faults: this.faults };
    this.#autoCreateRealms = options.autoCreateRealms ?? true;
    this.#serialize = options.serialize ?? 'none';
    this.#pump = options.pump;
    this.#configuredRealms = [...(options.realms ?? [])];
    for (const name of this.#configuredRealms) this.#realms.set(name, new Realm(name, this.#core));
    this.#host = {
      core: this.#core,
      realmFor: (name) => {
        let realm = this.#realms.get(name);
        if (!realm && this.#autoCreateRealms) this.#realms.set(name, realm = new Realm(name, this.#core));
        return realm;
      },
      newSessionId: () => randomSessionId((id) => this.#sessions.has(id)),
      sessionJoined: (session) => void this.#sessions.set(session.id, session),
      sessionLeft: (session) => void this.#sessions.delete(session.id),
      transportClosed: (session) => {
        this.#attached.delete(session);
        if (this.#core.faultsOn) this.faults.forget(session);
      },
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
    if (this.#closed || this.#down) {
      transport.close(this.#closed ? 'router closed' : 'router down');
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

  /** True between `restart({ downMs })` and the moment the router serves again. */
  get isDown(): boolean {
    return this.#down;
  }

  /** Joined sessions, all realms: id, realm, role and the procedures each registered (for fault hooks by agent name). */
  sessions(): { id: number; realm: string; authrole: string; authid: string; procedures: string[] }[] {
    return [...this.#sessions.values()].map((s) => ({
      id: s.id,
      realm: s.realm as string,
      authrole: s.authrole,
      authid: s.authid,
      procedures: [...s.registrations].map((r) => r.procedure),
    }));
  }

  /** Fault hook: end a session as if its connection dropped (or with GOODBYE, see KillOptions). False if no such session. */
  killSession(id: number, options: KillOptions = {}): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    if (options.reason !== undefined) session.goodbye(options.reason, options.message ?? 'session killed');
    else session.transport.close('killed by router');
    return true;
  }

  /** Fault hook: hold traffic to and from a session (it stays open) until resumeSession. False if no such session. */
  pauseSession(id: number): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    this.faults.pause(session);
    return true;
  }

  /** Deliver what the pause held, in order (router's messages first, then the client's), and carry on. */
  resumeSession(id: number): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    this.faults.resume(session);
    return true;
  }

  /** Fault hook: drop every message to and from these sessions (they stay open) for a while or until `heal()`. Unknown ids are ignored. */
  partition(sessionIds: readonly number[], options: PartitionOptions = {}): { heal(): void } {
    const sessions: RouterSession[] = [];
    for (const id of sessionIds) {
      const session = this.#sessions.get(id);
      if (session) sessions.push(session);
    }
    return this.faults.partition(sessions, options.durationMs);
  }

  /**
   * Fault hook: the router process dies and comes back, as a crossbar
   * restart. Every connection drops without GOODBYE and nobody hears
   * on_leave; realms start empty (no registrations, subscriptions or
   * sessions). Drop and delay rules stay: they are the network, not the router.
   */
  restart(options: RestartOptions = {}): void {
    const realms = [...this.#realms.values()];
    for (const realm of realms) realm.silence();
    // Cut every link first, so that the teardown itself (e.g. a caller told its callee is gone) reaches nobody.
    const attached = [...this.#attached];
    this.faults.partition(attached);
    for (const session of attached) session.transport.close('router restarted');
    this.#realms.clear();
    for (const name of this.#configuredRealms) this.#realms.set(name, new Realm(name, this.#core));
    this.#closed = false;
    this.#cancelDown?.();
    this.#down = (options.downMs ?? 0) > 0;
    this.#cancelDown = this.#down ? this.#clock.after(options.downMs as number, () => this.#up()) : undefined;
    if (!this.#down) this.#up();
  }

  /** Called each time the router is back after `restart()` (e.g. to rejoin a bridge session). Returns an unsubscribe function. */
  onRestart(listener: () => void): () => void {
    this.#restartListeners.add(listener);
    return () => this.#restartListeners.delete(listener);
  }

  #up(): void {
    this.#down = false;
    this.#cancelDown = undefined;
    for (const listener of [...this.#restartListeners]) listener();
  }

  /** Say GOODBYE (wamp.close.system_shutdown) to every session and close every transport; later attaches are refused. */
  close(reason: string = 'wamp.close.system_shutdown'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#attached]) session.goodbye(reason, 'router is shutting down');
  }
}
