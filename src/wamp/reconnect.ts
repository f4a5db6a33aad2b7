// Keep a WAMP session joined: connect, run the owner's join, and after any
// loss connect again with capped exponential backoff, forever or until the
// router has been gone for `giveUpAfterMs` (Python's crossbar_timeout).

import type { Clock } from '../core/clock.ts';
import type { WampSession } from './session.ts';

export type ConnectionState = 'connecting' | 'joined' | 'disconnected' | 'stopped' | 'gave_up';

export interface ReconnectOptions {
  /** Open and join a new session (in-process router, or WebSocket to a URL). */
  connect: () => Promise<WampSession>;
  /** The owner's setup on every join: register, subscribe. A throw it marks fatal stops the loop. */
  onJoin: (session: WampSession, rejoin: boolean) => Promise<void>;
  clock: Clock;
  /** 0 = retry forever; otherwise give up after this long without a joined session. */
  giveUpAfterMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Errors from onJoin that no retry can fix (e.g. procedure_already_exists at
   * first start); `rejoin` tells a first join from one after a loss.
   */
  isFatal?: (err: unknown, rejoin: boolean) => boolean;
  /** Uniform [0, 1) for jitter. */
  random?: () => number;
  log?: (line: string) => void;
}

export class Reconnector {
  state: ConnectionState = 'connecting';
  /** Joins so far (1 after the first). */
  joins = 0;
  readonly #o: Required<Omit<ReconnectOptions, 'log' | 'isFatal'>> & Pick<ReconnectOptions, 'log' | 'isFatal'>;
  readonly #stateListeners = new Set<(state: ConnectionState, detail: string) => void>();
  #session: WampSession | null = null;
  #lostAt: number;
  #delayMs: number;
  #cancelRetry: (() => void) | null = null;
  #finished!: (outcome: { state: 'stopped' | 'gave_up'; error?: unknown }) => void;
  /** Resolves when the loop ends: stopped by the owner, gave up, or a fatal join error. */
  readonly finished: Promise<{ state: 'stopped' | 'gave_up'; error?: unknown }>;

  constructor(options: ReconnectOptions) {
    // Capped at 2 s: a registry must be back within seconds of its router (issue: resume within 3 s).
    this.#o = { giveUpAfterMs: 0, initialDelayMs: 500, maxDelayMs: 2000, random: Math.random, ...options };
    this.#delayMs = this.#o.initialDelayMs;
    this.#lostAt = this.#o.clock.now();
    this.finished = new Promise((resolve) => (this.#finished = resolve));
  }

  get session(): WampSession | null {
    return this.#session;
  }

  onState(listener: (state: ConnectionState, detail: string) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  start(): void {
    void this.#attempt();
  }

  /** Stop retrying and leave the current session. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'gave_up') return;
    this.#cancelRetry?.();
    const session = this.#session;
    this.#set('stopped', 'stopped by the owner');
    this.#session = null;
    if (session?.isOpen) await session.leave('wamp.close.system_shutdown').catch(() => {});
    this.#finished({ state: 'stopped' });
  }

  async #attempt(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'gave_up') return;
    this.#set('connecting', this.joins ? 'reconnecting' : 'connecting');
    let session: WampSession;
    try {
      session = await this.#o.connect();
    } catch (err) {
      this.#retry(`cannot connect: ${(err as Error).message ?? String(err)}`);
      return;
    }
    if (this.state !== 'connecting') {
      await session.leave().catch(() => {});
      return;
    }
    session.onClose((reason) => {
      if (this.#session !== session || this.state === 'stopped') return;
      this.#session = null;
      this.#lostAt = this.#o.clock.now();
      this.#retry(`connection lost: ${reason}`);
    });
    try {
      await this.#o.onJoin(session, this.joins > 0);
    } catch (err) {
      if (this.#o.isFatal?.(err, this.joins > 0)) {
        this.#set('gave_up', (err as Error).message ?? String(err));
        await session.leave().catch(() => {});
        this.#finished({ state: 'gave_up', error: err });
        return;
      }
      await session.leave().catch(() => {});
      this.#retry(`join failed: ${(err as Error).message ?? String(err)}`);
      return;
    }
    if (!session.isOpen) return; // lost during the join; onClose already scheduled a retry
    this.#session = session;
    this.joins++;
    this.#delayMs = this.#o.initialDelayMs;
    this.#set('joined', this.joins > 1 ? 'rejoined' : 'joined');
  }

  #retry(reason: string): void {
    if (this.state === 'stopped' || this.state === 'gave_up') return;
    const gone = (this.#o.clock.now() - this.#lostAt) * 1000;
    if (this.#o.giveUpAfterMs > 0 && gone >= this.#o.giveUpAfterMs) {
      this.#set('gave_up', `no router for ${(gone / 1000).toFixed(1)} s (${reason})`);
      this.#finished({ state: 'gave_up' });
      return;
    }
    this.#set('disconnected', reason);
    const jitter = 1 + (this.#o.random() - 0.5) * 0.5;
    let delay = Math.min(this.#delayMs, this.#o.maxDelayMs) * jitter;
    if (this.#o.giveUpAfterMs > 0) delay = Math.min(delay, Math.max(0, this.#o.giveUpAfterMs - gone));
    this.#delayMs = Math.min(this.#delayMs * 2, this.#o.maxDelayMs);
    this.#cancelRetry = this.#o.clock.after(delay, () => void this.#attempt());
  }

  #set(state: ConnectionState, detail: string): void {
    this.state = state;
    this.#o.log?.(`router connection: ${state} (${detail})`);
    for (const listener of this.#stateListeners) listener(state, detail);
  }
}
