// Access control as seen on the wire (docs/ocs-protocol.md §8). Only policy "none"
// is implemented: every caller gets level 1 whatever the password.

export const CredLevel = { BLOCKED: 0, BASIC: 1, ADVANCED: 2, FULL: 3, SUPERUSER: 4 } as const;
export type CredLevel = (typeof CredLevel)[keyof typeof CredLevel];

const NAMES = ['BLOCKED', 'BASIC', 'ADVANCED', 'FULL', 'SUPERUSER'];

/** Python `str(CredLevel)`, e.g. `2-ADVANCED`. */
export function credLevelText(level: number): string {
  return `${level}-${NAMES[level] ?? 'UNKNOWN'}`;
}

/** What `agent_get_creds` returns under policy none: level and detail. */
export const POLICY_NONE_DETAIL = 'No access policy -- level 1 for all.';

/** `access.agent_rejection_message`; `detail` is appended after a space when non-empty. */
export function rejectionMessage(have: number, required: number, detail = ''): string {
  const text = `The action requires credential level ${credLevelText(required)} but the client has only level ${credLevelText(have)}`;
  return detail === '' ? text : `${text} ${detail}`;
}

/** `min_privs` as Python stores it: `CredLevel(max(1, v))`; out of range is a registration error. */
export function normalizeMinPrivs(minPrivs: number): number {
  const level = Math.max(1, minPrivs);
  if (!Number.isInteger(level) || level > CredLevel.SUPERUSER) {
    throw new RangeError(`min_privs must be an integer credential level 0..4, got ${minPrivs}`);
  }
  return level;
}

/** The `access_control` entry of get_api for policy none. */
export interface AccessControlAdvert {
  version: 1;
  policy: 'none';
  update_timestamp: number;
  update_count: number;
  step: number;
}

export function policyNoneAdvert(startTime: number): AccessControlAdvert {
  return { version: 1, policy: 'none', update_timestamp: startTime, update_count: 0, step: 0 };
}
