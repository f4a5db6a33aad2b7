// A realm: its joined sessions, its broker and dealer, and the meta events
// that announce sessions coming and going.

import type { RouterCore } from './core.ts';
import { Broker } from './broker.ts';
import { Dealer } from './dealer.ts';
import { META_TOPICS, sessionDetails } from './meta.ts';
import type { RouterSession } from './router-session.ts';

export class Realm {
  readonly name: string;
  readonly sessions: Map<number, RouterSession> = new Map();
  readonly broker: Broker;
  readonly dealer: Dealer;
  /** Set when the router goes away all at once (restart): nobody is left to hear on_leave. */
  #silent = false;

  constructor(name: string, core: RouterCore) {
    this.name = name;
    this.broker = new Broker(core);
    this.dealer = new Dealer(core, this);
  }

  /** Called after WELCOME was sent, so the event follows it, as in crossbar. */
  join(session: RouterSession): void {
    this.sessions.set(session.id, session);
    this.broker.publishMeta(META_TOPICS.onJoin, [sessionDetails(session)]);
  }

  /** Called once per joined session, however it ended. on_leave goes out after detach, so the leaver never sees it. */
  leave(session: RouterSession): void {
    if (!this.sessions.delete(session.id)) return;
    this.broker.detach(session);
    this.dealer.detach(session);
    if (!this.#silent) this.broker.publishMeta(META_TOPICS.onLeave, [session.id]);
  }

  /** No more meta events from this realm: it is being torn down. */
  silence(): void {
    this.#silent = true;
  }
}
