// Why a heartbeat was refused. Each reason is counted; a refused heartbeat
// changes no state.

import { logText } from './log-text.ts';

export const REJECTION_REASONS = [
  'malformed_event', // args is not [[op_codes, feed]]
  'bad_op_codes', // op_codes is not an object
  'bad_op_name', // an op name is empty, too long or reserved
  'bad_op_code', // a code is not an integer 1..8
  'too_many_ops', // more ops than the limit
  'bad_feed', // feed is not an object, or a field has the wrong type or size
  'bad_address', // agent_address is not "{root}.{instance_id}"
  'topic_mismatch', // topic is not "{agent_address}.feeds.heartbeat" (spoofing)
  'registry_full', // a new agent while the table is at its maximum size
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  readonly kind: 'rejected';
  readonly reason: RejectionReason;
  /** Human-readable detail, in sentence case with quoted values. */
  readonly detail: string;
}

export function reject(reason: RejectionReason, detail: string): Rejection {
  return { kind: 'rejected', reason, detail };
}

/** A short, safe rendering of an untrusted value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return logText(value, 40);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
