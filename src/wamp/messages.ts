// WAMP v2 messages as they are on the wire: plain arrays whose first element
// is the type code. The same arrays travel through the in-memory transport,
// JSON and msgpack, so the router and the peer validate them strictly here.

import { isMatchPolicy } from './uri-match.ts';
import { INVOKE_POLICIES, type InvokePolicy } from './session.ts';

export const MessageType = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

export type MessageCode = (typeof MessageType)[keyof typeof MessageType];

const NAMES = new Map<number, string>(Object.entries(MessageType).map(([name, code]) => [code, name]));

/** 'PUBLISH' for 16; 'type 99' for unknown codes (for error messages). */
export function messageName(code: unknown): string {
  return (typeof code === 'number' && NAMES.get(code)) || `type ${String(code)}`;
}

/** Largest WAMP id (2^53); ids are integers in 1..2^53. */
export const MAX_ID = 9007199254740992;

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

export function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Messages a client may send to a router. */
export const ROUTER_BOUND: ReadonlySet<number> = new Set([
  MessageType.HELLO,
  MessageType.ABORT,
  MessageType.GOODBYE,
  MessageType.ERROR,
  MessageType.PUBLISH,
  MessageType.SUBSCRIBE,
  MessageType.UNSUBSCRIBE,
  MessageType.CALL,
  MessageType.CANCEL,
  MessageType.REGISTER,
  MessageType.UNREGISTER,
  MessageType.YIELD,
]);

/** Messages a router may send to a client. */
export const CLIENT_BOUND: ReadonlySet<number> = new Set([
  MessageType.WELCOME,
  MessageType.ABORT,
  MessageType.GOODBYE,
  MessageType.ERROR,
  MessageType.PUBLISHED,
  MessageType.SUBSCRIBED,
  MessageType.UNSUBSCRIBED,
  MessageType.EVENT,
  MessageType.RESULT,
  MessageType.REGISTERED,
  MessageType.UNREGISTERED,
  MessageType.INVOCATION,
  MessageType.INTERRUPT,
]);

// Field kinds for the shape table below.
const ID = 0; // 1..2^53
const DICT = 1;
const URI = 2; // a string; URI rules are checked where the URI is used
const INT = 3; // a message type code (ERROR's request type)
const LIST = 4;
const ID0 = 5; // an id or 0 (UNREGISTERED sent for a revocation)

/** For each type: the kinds of elements 1..n; `optional` trailing ones are Arguments|list, ArgumentsKw|dict. */
const SHAPES = new Map<number, { fields: number[]; optional: number }>([
  [MessageType.HELLO, { fields: [URI, DICT], optional: 0 }],
  [MessageType.WELCOME, { fields: [ID, DICT], optional: 0 }],
  [MessageType.ABORT, { fields: [DICT, URI], optional: 0 }],
  [MessageType.GOODBYE, { fields: [DICT, URI], optional: 0 }],
  [MessageType.ERROR, { fields: [INT, ID, DICT, URI, LIST, DICT], optional: 2 }],
  [MessageType.PUBLISH, { fields: [ID, DICT, URI, LIST, DICT], optional: 2 }],
  [MessageType.PUBLISHED, { fields: [ID, ID], optional: 0 }],
  [MessageType.SUBSCRIBE, { fields: [ID, DICT, URI], optional: 0 }],
  [MessageType.SUBSCRIBED, { fields: [ID, ID], optional: 0 }],
  [MessageType.UNSUBSCRIBE, { fields: [ID, ID], optional: 0 }],
  [MessageType.UNSUBSCRIBED, { fields: [ID0, DICT], optional: 1 }],
  [MessageType.EVENT, { fields: [ID, ID, DICT, LIST, DICT], optional: 2 }],
  [MessageType.CALL, { fields: [ID, DICT, URI, LIST, DICT], optional: 2 }],
  [MessageType.CANCEL, { fields: [ID, DICT], optional: 0 }],
  [MessageType.RESULT, { fields: [ID, DICT, LIST, DICT], optional: 2 }],
  [MessageType.REGISTER, { fields: [ID, DICT, URI], optional: 0 }],
  [MessageType.REGISTERED, { fields: [ID, ID], optional: 0 }],
  [MessageType.UNREGISTER, { fields: [ID, ID], optional: 0 }],
  [MessageType.UNREGISTERED, { fields: [ID0, DICT], optional: 1 }],
  [MessageType.INVOCATION, { fields: [ID, ID, DICT, LIST, DICT], optional: 2 }],
  [MessageType.INTERRUPT, { fields: [ID, DICT], optional: 0 }],
  [MessageType.YIELD, { fields: [ID, DICT, LIST, DICT], optional: 2 }],
]);

const KIND_NAMES = ['an id in 1..2^53', 'a dict', 'a string', 'an integer', 'a list', 'an id or 0'];

function hasKind(value: unknown, kind: number): boolean {
  switch (kind) {
    case ID:
      return isId(value);
    case DICT:
      return isDict(value);
    case URI:
      return typeof value === 'string';
    case INT:
      return typeof value === 'number' && Number.isInteger(value);
    case LIST:
      return Array.isArray(value);
    default:
      return value === 0 || isId(value);
  }
}

/**
 * Checks a message's shape: array, known type, length, element types, and the
 * option values the router acts on. Returns null when valid, else a sentence
 * saying what is wrong (used as the ABORT message of a protocol violation).
 */
export function messageProblem(message: unknown): string | null {
  // Heartbeats are PUBLISH in and EVENT out: check those inline, fall back to the table.
  if (Array.isArray(message)) {
    const code = message[0];
    if (code === MessageType.PUBLISH ? isPlainPublish(message) : code === MessageType.EVENT && isPlainEvent(message)) return null;
  }
  return shapeProblem(message);
}

function isPlainPublish(m: unknown[]): boolean {
  const n = m.length;
  if (n < 4 || n > 6 || !isId(m[1]) || typeof m[3] !== 'string') return false;
  const o = m[2];
  if (!isDict(o) || o.acknowledge !== undefined || o.exclude_me !== undefined || o.disclose_me !== undefined) return false;
  return (n < 5 || Array.isArray(m[4])) && (n < 6 || isDict(m[5]));
}

function isPlainEvent(m: unknown[]): boolean {
  const n = m.length;
  if (n < 4 || n > 6 || !isId(m[1]) || !isId(m[2]) || !isDict(m[3])) return false;
  return (n < 5 || Array.isArray(m[4])) && (n < 6 || isDict(m[5]));
}

function shapeProblem(message: unknown): string | null {
  if (!Array.isArray(message)) return 'A WAMP message must be an array.';
  const code: unknown = message[0];
  const shape = typeof code === 'number' ? SHAPES.get(code) : undefined;
  if (!shape) return `Unknown WAMP message type ${JSON.stringify(code) ?? String(code)}.`;
  const max = shape.fields.length + 1;
  const min = max - shape.optional;
  if (message.length < min || message.length > max) {
    return `${messageName(code)} must have ${min === max ? min : `${min} to ${max}`} elements, not ${message.length}.`;
  }
  for (let i = 1; i < message.length; i++) {
    const kind = shape.fields[i - 1] as number;
    if (!hasKind(message[i], kind)) return `${messageName(code)} element ${i} must be ${KIND_NAMES[kind]}.`;
  }
  return optionProblem(code as number, message);
}

/** Options whose type matters to routing (autobahn raises ProtocolError on these too). */
function optionProblem(code: number, message: unknown[]): string | null {
  if (code === MessageType.SUBSCRIBE || code === MessageType.REGISTER) {
    const match = (message[2] as Record<string, unknown>).match;
    if (match !== undefined && !isMatchPolicy(match)) {
      return `${messageName(code)} option "match" must be "exact", "prefix" or "wildcard", not ${JSON.stringify(match)}.`;
    }
    const invoke = (message[2] as Record<string, unknown>).invoke;
    if (code === MessageType.REGISTER && invoke !== undefined && !INVOKE_POLICIES.includes(invoke as InvokePolicy)) {
      return `REGISTER option "invoke" must be one of ${INVOKE_POLICIES.map((p) => `"${p}"`).join(', ')}, not ${JSON.stringify(invoke)}.`;
    }
  } else if (code === MessageType.PUBLISH) {
    const o = message[2] as Record<string, unknown>;
    if (!optionalBoolean(o.acknowledge) || !optionalBoolean(o.exclude_me) || !optionalBoolean(o.disclose_me)) {
      return 'PUBLISH options "acknowledge", "exclude_me" and "disclose_me" must be booleans.';
    }
  } else if (code === MessageType.CALL) {
    if (!optionalBoolean((message[2] as Record<string, unknown>).disclose_me)) {
      return 'CALL option "disclose_me" must be a boolean.';
    }
  } else if (code === MessageType.ERROR) {
    if (!NAMES.has(message[1] as number)) return `ERROR for unknown request type ${String(message[1])}.`;
  }
  return null;
}

function optionalBoolean(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}
