// WAMP ids (1..2^53), drawn as crossbar draws them (autobahn's util.id() and
// util.IdGenerator, used by crossbar/router):
// - session, subscription, registration and publication ids are random
//   53-bit numbers, unique among the live ones of their kind. A client that
//   kept ids from before a router restart (autobahn-python keeps its session
//   object across reconnects) never sees one handed out again by chance;
// - invocation request ids count up from 1 per dealer (IdGenerator).

import { MAX_ID } from '../../src/wamp/messages.ts';

/**
 * A random id for which `isTaken` says false, in 1..2^53-1: crossbar may draw
 * 2^53 itself, but that one is not a safe integer here and msgpack would write
 * it as a float, which autobahn refuses as an id.
 */
export function randomId(isTaken: (id: number) => boolean = notTaken): number {
  for (;;) {
    const id = Math.floor(Math.random() * (MAX_ID - 1)) + 1;
    if (!isTaken(id)) return id;
  }
}

export const randomSessionId = randomId;

function notTaken(): boolean {
  return false;
}

/** Request ids that count up from 1 and wrap after 2^53 (crossbar's invocation ids). */
export class IdSequence {
  #last = 0;

  next(): number {
    this.#last = this.#last >= MAX_ID ? 1 : this.#last + 1;
    return this.#last;
  }
}
