// The realm's broker: SUBSCRIBE, UNSUBSCRIBE, PUBLISH -> EVENT, with
// crossbar's rules (one subscription id per topic+match shared by all its
// subscribers, exclude_me by default, details.topic on pattern subscriptions,
// PUBLISHED sent before dispatch, nothing to do for a topic nobody wants).

import { refused } from './refuse.ts';
import type { MatchPolicy } from '../../src/wamp/session.ts';
import { WampErrors } from '../../src/wamp/session.ts';
import { MessageType } from '../../src/wamp/messages.ts';
import { isValidPattern, isValidUri } from '../../src/wamp/uri-match.ts';
import { UriIndex } from './uri-index.ts';
import type { RouterCore } from './core.ts';
import { randomId } from './ids.ts';
import type { RouterSession } from './router-session.ts';

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly match: MatchPolicy;
  /** Live list; a session appears at most once. */
  readonly subscribers: RouterSession[];
}

const NO_SUBSCRIPTIONS: readonly Subscription[] = Object.freeze([]);
/** EVENT details of an exact subscription without disclosure: nothing to say, so share one object. */
const NO_DETAILS = Object.freeze({});
/** Bound on the topic -> subscriptions cache; it is simply emptied when full. */
const ROUTE_CACHE_LIMIT = 1 << 20;

export class Broker {
  readonly #core: RouterCore;
  readonly #index = new UriIndex<Subscription>();
  readonly #byId = new Map<number, Subscription>();
  /**
   * Concrete topic -> matching subscriptions. Heartbeats hit the same topics
   * over and over, so PUBLISH costs one Map get instead of a URI check and a
   * trie walk. Emptied whenever a subscription is created or removed.
   */
  #routes = new Map<string, readonly Subscription[]>();
  readonly #isSubscriptionId = (id: number): boolean => this.#byId.has(id);

  constructor(core: RouterCore) {
    this.#core = core;
  }

  get subscriptionCount(): number {
    return this.#byId.size;
  }

  subscribe(session: RouterSession, message: unknown[]): void {
    const request = message[1] as number;
    const options = message[2] as Record<string, unknown>;
    const topic = message[3] as string;
    const match = (options.match as MatchPolicy | undefined) ?? 'exact';
    if (!isValidPattern(topic, match)) {
      session.sendError(MessageType.SUBSCRIBE, request, WampErrors.invalidUri, [`subscribe for invalid topic URI '${topic}'`]);
      return;
    }
    if (refused(this.#core, session, 'subscribe', topic, MessageType.SUBSCRIBE, request)) return;
    let subscription = this.#index.get(topic, match);
    if (!subscription) {
      subscription = { id: randomId(this.#isSubscriptionId), topic, match, subscribers: [] };
      this.#index.set(topic, match, subscription);
      this.#byId.set(subscription.id, subscription);
      this.#routes = new Map();
    }
    if (!session.subscriptions.has(subscription)) {
      subscription.subscribers.push(session);
      session.subscriptions.add(subscription);
    }
    session.send([MessageType.SUBSCRIBED, request, subscription.id]);
  }

  unsubscribe(session: RouterSession, message: unknown[]): void {
    const request = message[1] as number;
    const subscription = this.#byId.get(message[2] as number);
    if (!subscription || !session.subscriptions.has(subscription)) {
      session.sendError(MessageType.UNSUBSCRIBE, request, WampErrors.noSuchSubscription);
      return;
    }
    this.#drop(session, subscription);
    session.send([MessageType.UNSUBSCRIBED, request]);
  }

  /** Hot path: one PUBLISH from an agent. */
  publish(session: RouterSession, message: unknown[]): void {
    const options = message[2] as Record<string, unknown>;
    const topic = message[3] as string;
    const acknowledge = options.acknowledge === true;
    let subscriptions = this.#routes.get(topic);
    if (subscriptions === undefined) {
      if (!isValidUri(topic)) {
        if (acknowledge) {
          session.sendError(MessageType.PUBLISH, message[1] as number, WampErrors.invalidUri, [`publish with invalid topic URI '${topic}'`]);
        }
        return;
      }
      if (topic.startsWith('wamp.')) {
        // Only the router itself publishes meta events.
        if (acknowledge) {
          session.sendError(MessageType.PUBLISH, message[1] as number, WampErrors.invalidUri, [`publish with restricted topic URI '${topic}'`]);
        }
        return;
      }
      subscriptions = this.#route(topic);
    }
    // As crossbar: no subscriber and no acknowledgement wanted means nothing to do, not even authorize.
    if (subscriptions.length === 0 && !acknowledge) return;
    const authorize = this.#core.authorize;
    if (authorize !== undefined && !authorize(session, 'publish', topic)) {
      this.#core.stats.notAuthorized++;
      if (acknowledge) {
        session.sendError(MessageType.PUBLISH, message[1] as number, WampErrors.notAuthorized, [`session not authorized to publish to topic '${topic}'`]);
      }
      return;
    }
    const publication = randomId();
    this.#core.stats.publications++;
    if (acknowledge) session.send([MessageType.PUBLISHED, message[1], publication]);
    if (subscriptions.length === 0) return;
    const publisher = options.disclose_me === true ? session.id : undefined;
    const exclude = options.exclude_me === false ? undefined : session;
    this.#dispatch(subscriptions, topic, publication, publisher, exclude, message[4], message[5], message.length);
  }

  /** The subscriptions a concrete topic routes to, if it was published to before (else undefined: take publish()). */
  knownRoute(topic: string): readonly Subscription[] | undefined {
    return this.#routes.get(topic);
  }

  /**
   * Hot path: a plain PUBLISH (no options, so no acknowledgement) read in place from JSON text, for a
   * topic with a known route; `tail` is its text from args on, `args(,kwargs)]`, checked strict JSON. What
   * publish() does, but a subscriber on a JSON socket gets the EVENT written around that text, with no
   * object built for the arguments (they are parsed once only if some other subscriber needs them).
   * The text is what event-splice.ts writes for the same PUBLISH on the ordinary path.
   */
  publishText(session: RouterSession, subscriptions: readonly Subscription[], topic: string, tail: string): void {
    if (subscriptions.length === 0) return;
    const authorize = this.#core.authorize;
    if (authorize !== undefined && !authorize(session, 'publish', topic)) {
      this.#core.stats.notAuthorized++;
      return;
    }
    const publication = randomId();
    this.#core.stats.publications++;
    let payload: unknown[] | undefined;
    let delivered = 0;
    for (let s = 0; s < subscriptions.length; s++) {
      const subscription = subscriptions[s] as Subscription;
      const exact = subscription.match === 'exact';
      let eventText: string | undefined;
      let event: unknown[] | undefined;
      const subscribers = subscription.subscribers;
      for (let i = 0; i < subscribers.length; i++) {
        const receiver = subscribers[i] as RouterSession;
        if (receiver === session) continue; // exclude_me
        if (receiver.jsonText !== null) {
          // The topic was read as printable ASCII without quote or backslash: its JSON text is itself in quotes.
          eventText ??= exact
            ? `[${MessageType.EVENT},${subscription.id},${publication},{},${tail}`
            : `[${MessageType.EVENT},${subscription.id},${publication},{"topic":"${topic}"},${tail}`;
          receiver.deliverText(eventText);
        } else {
          payload ??= JSON.parse(`[${tail}`) as unknown[];
          const details = exact ? NO_DETAILS : { topic };
          event ??= payload.length === 2
            ? [MessageType.EVENT, subscription.id, publication, details, payload[0], payload[1]]
            : [MessageType.EVENT, subscription.id, publication, details, payload[0]];
          receiver.send(event);
        }
        delivered++;
      }
    }
    this.#core.stats.eventsDelivered += delivered;
  }

  /** A meta event from the router itself (wamp.session.on_join etc.): no publisher, nobody excluded. */
  publishMeta(topic: string, args: unknown[]): void {
    // Not cached: the cache must only hold topics clients may publish to.
    const subscriptions = this.#index.matchAll(topic);
    if (subscriptions.length === 0) return;
    this.#core.stats.publications++;
    this.#dispatch(subscriptions, topic, randomId(), undefined, undefined, args, undefined, 5);
  }

  /** Forget a leaving session's subscriptions. */
  detach(session: RouterSession): void {
    for (const subscription of session.subscriptions) this.#drop(session, subscription);
  }

  #dispatch(
    subscriptions: readonly Subscription[],
    topic: string,
    publication: number,
    publisher: number | undefined,
    exclude: RouterSession | undefined,
    args: unknown,
    kwargs: unknown,
    length: number,
  ): void {
    let delivered = 0;
    for (let s = 0; s < subscriptions.length; s++) {
      const subscription = subscriptions[s] as Subscription;
      const details = subscription.match === 'exact'
        ? publisher === undefined ? NO_DETAILS : { publisher }
        : publisher === undefined
        ? { topic }
        : { topic, publisher };
      // One EVENT per subscription, shared by its subscribers (zero-copy in memory).
      const event = length === 6
        ? [MessageType.EVENT, subscription.id, publication, details, args, kwargs]
        : length === 5
        ? [MessageType.EVENT, subscription.id, publication, details, args]
        : [MessageType.EVENT, subscription.id, publication, details];
      const subscribers = subscription.subscribers;
      for (let i = 0; i < subscribers.length; i++) {
        const receiver = subscribers[i] as RouterSession;
        if (receiver === exclude) continue;
        receiver.send(event);
        delivered++;
      }
    }
    this.#core.stats.eventsDelivered += delivered;
  }

  #route(topic: string): readonly Subscription[] {
    const found = this.#index.matchAll(topic);
    const subscriptions = found.length === 0 ? NO_SUBSCRIPTIONS : found;
    if (this.#routes.size >= ROUTE_CACHE_LIMIT) this.#routes = new Map();
    this.#routes.set(topic, subscriptions);
    return subscriptions;
  }

  #drop(session: RouterSession, subscription: Subscription): void {
    session.subscriptions.delete(subscription);
    const i = subscription.subscribers.indexOf(session);
    if (i >= 0) subscription.subscribers.splice(i, 1);
    if (subscription.subscribers.length === 0) {
      this.#index.delete(subscription.topic, subscription.match);
      this.#byId.delete(subscription.id);
      this.#routes = new Map();
    }
  }
}
