// WAMP ids (1..2^53). Session ids are random, as crossbar's are (global
// scope), so code that assumes small or ordered session ids fails here too.
// Router-scope ids (subscriptions, registrations, publications, invocations)
// count up: cheap, and deterministic in tests.

import { MAX_ID } from '../../src/wamp/messages.ts';

export function randomSessionId(isTaken: (id: number) => boolean): number {
  for (;;) {
    const id = Math.floor(Math.random() * MAX_ID) + 1;
    if (!isTaken(id)) return id;
  }
}

export class IdSequence {
  #last = 0;

  next(): number {
    this.#last = this.#last >= MAX_ID ? 1 : this.#last + 1;
    return this.#last;
  }
}
