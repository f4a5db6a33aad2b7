// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// Test doubles for the agent tests: a recording WampSession and helpers to
// let promise continuations run between FakeClock steps (no sleeping).
import { FakeClock } from '../support/fake-clock.ts';
import {
  type Args,
  CallResult,
  type Endpoint,
  type EventHandler,
  type Kwargs,
  type Registration,
  type Subscription,
  WampError,
  WampErrors,
  type WampSession,
} from '../../src/wamp/session.ts';

export interface Published {
  topic: string;
  args: Args;
  at: number;
}

/** A WampSession that records publishes and holds registrations in a shared table. */
export class RecordingSession implements WampSession {
  readonly id = 1;
  readonly realm = 'test_realm';
  isOpen = true;
  readonly published: Published[] = [];
  readonly procedures: Map<string, Endpoint>;
  readonly #clock: FakeClock;
  readonly #closeListeners: ((reason: string) => void)[] = [];

  constructor(clock: FakeClock, procedures = new Map<string, Endpoint>()) {
    this.#clock = clock;
    this.procedures = procedures;
  }

  subscribe(topic: string, _handler: EventHandler): Promise<Subscription> {
    return Promise.resolve({ id: 1, topic, unsubscribe: () => Promise.resolve() });
  }

  publish(topic: string, args: Args = []): void {
    this.published.push({ topic, args, at: this.#clock.now() });
  }

  publishAcknowledged(topic: string, args: Args = []): Promise<number> {
    this.publish(topic, args);
    return Promise.resolve(1);
  }

  register(procedure: string, endpoint: Endpoint): Promise<Registration> {
    if (this.procedures.has(procedure)) {
      return Promise.reject(new WampError(WampErrors.procedureAlreadyExists));
    }
    this.procedures.set(procedure, endpoint);
    return Promise.resolve({
      id: this.procedures.size,
      procedure,
      unregister: () => {
        this.procedures.delete(procedure);
        return Promise.resolve();
      },
    });
  }

  async call(procedure: string, args: Args = [], kwargs: Kwargs = {}): Promise<CallResult> {
    const endpoint = this.procedures.get(procedure);
    if (!endpoint) throw new WampError(WampErrors.noSuchProcedure);
    const result = await endpoint(args, kwargs, {});
    return result instanceof CallResult ? result : new CallResult([result]);
  }

  leave(reason = WampErrors.closeNormal): Promise<void> {
    this.close(reason);
    return Promise.resolve();
  }

  close(reason = 'wamp.close.transport_lost'): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    for (const fn of this.#closeListeners) fn(reason);
  }

  onClose(listener: (reason: string) => void): void {
    this.#closeListeners.push(listener);
  }

  /** Messages published on one topic: `args[0]` of each. */
  on(topic: string): unknown[] {
    return this.published.filter((p) => p.topic === topic).map((p) => p.args[0]);
  }
}

/** Let pending promise continuations run (a few hundred microtask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

/** Advance the clock in steps, letting async op bodies react between steps. */
export async function advance(clock: FakeClock, ms: number, stepMs = 50): Promise<void> {
  await settle();
  let left = ms;
  while (left > 0) {
    const step = Math.min(stepMs, left);
    clock.advance(step);
    left -= step;
    await settle();
  }
  if (ms === 0) {
    clock.advance(0);
    await settle();
  }
}

/** A reply's parts, typed loosely for assertions. */
export type Reply = [number, string, Record<string, any>];

export function reply(value: unknown): Reply {
  return value as Reply;
}
