// OCS operation codes (ocs/base.py OpCode). Only the registry writes EXPIRED.
export const OpCode = {
  NONE: 1,
  STARTING: 2,
  RUNNING: 3,
  STOPPING: 4,
  SUCCEEDED: 5,
  FAILED: 6,
  EXPIRED: 7,
  DEGRADED: 8,
} as const;
export type OpCode = (typeof OpCode)[keyof typeof OpCode];

export const OP_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'NONE',
  2: 'STARTING',
  3: 'RUNNING',
  4: 'STOPPING',
  5: 'SUCCEEDED',
  6: 'FAILED',
  7: 'EXPIRED',
  8: 'DEGRADED',
};

export function isOpCode(value: unknown): value is OpCode {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8;
}

/** ResponseCode: the first element of every `{addr}.ops` reply. */
export const ResponseCode = { OK: 0, ERROR: -1, TIMEOUT: 1 } as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];
