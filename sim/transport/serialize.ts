// Optional JSON round trip for in-memory transports, so tests catch payloads
// that a real WebSocket (JSON or msgpack) could not carry.

export type SerializeMode = 'none' | 'json';

/** Thrown by a JSON-mode send; the message was not sent. */
export class SerializationError extends TypeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SerializationError';
  }
}

/**
 * JSON.stringify silently drops functions and symbols; a real peer would never
 * see them, so in a test that is a bug worth failing loudly on. A plain walk
 * plus a replacer-free stringify is several times faster than a replacer.
 */
function checkJsonSafe(value: unknown, path: string, depth: number): void {
  const type = typeof value;
  if (type === 'function' || type === 'symbol' || type === 'bigint') {
    throw new SerializationError(`Cannot send a ${type} as JSON (at ${path}).`);
  }
  if (type !== 'object' || value === null) return;
  if (depth > 100) throw new SerializationError(`Cannot send as JSON: nested deeper than 100 levels (at ${path}).`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJsonSafe(value[i], `${path}[${i}]`, depth + 1);
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return; // e.g. Date: JSON has a rule for it
  for (const key in value as Record<string, unknown>) {
    checkJsonSafe((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  }
}

/** A deep copy through JSON text; throws SerializationError for what JSON cannot carry. */
export function jsonRoundTrip(message: unknown[]): unknown[] {
  checkJsonSafe(message, 'message', 0);
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    throw new SerializationError(`Cannot send message as JSON: ${(error as Error).message}`, { cause: error });
  }
  return JSON.parse(text) as unknown[];
}
