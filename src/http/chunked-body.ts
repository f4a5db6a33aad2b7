// Large bodies (the agent list, /metrics: megabytes at 10k agents) streamed
// from cached UTF-8 parts in fresh 64 KB chunks, made as the body is read.
// One multi-megabyte string or buffer per request put Bun's garbage
// collector into 25 ms pauses; reusing one buffer would be unsafe while a
// slow client is still being sent the last. Parts are never modified (their
// caches replace them), so the stream may read them later.

/** Body chunk size. */
const CHUNK = 64 * 1024;

/** `head`, then `parts` with `separator` (a byte, or -1 for none) between them, then `tail`. */
export function streamParts(head: Uint8Array, parts: readonly Uint8Array[], separator: number, tail: Uint8Array): ReadableStream<Uint8Array> {
  let next = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = new Uint8Array(Math.max(CHUNK, head.length, tail.length));
      let at = 0;
      if (!started) {
        started = true;
        chunk.set(head);
        at = head.length;
      }
      while (next < parts.length) {
        const part = parts[next] as Uint8Array;
        const sep = next > 0 && separator >= 0 ? 1 : 0;
        if (at + sep + part.length > chunk.length) {
          if (at > 0) break; // this part starts the next chunk
          // A part larger than a chunk goes out alone, copied.
          const alone = new Uint8Array(sep + part.length);
          if (sep) alone[0] = separator;
          alone.set(part, sep);
          controller.enqueue(alone);
          next++;
          return;
        }
        if (sep) chunk[at++] = separator;
        chunk.set(part, at);
        at += part.length;
        next++;
      }
      if (next === parts.length && at + tail.length <= chunk.length) {
        chunk.set(tail, at);
        at += tail.length;
        if (at > 0) controller.enqueue(chunk.subarray(0, at));
        controller.close();
        return;
      }
      controller.enqueue(chunk.subarray(0, at));
    },
  });
}

const UTF8 = new TextEncoder();

/**
 * Each text as UTF-8, encoded in one go: one TextEncoder call per text cost
 * 9 of the 10 ms of a first /metrics at 10k agents. When every text is ASCII
 * (a byte per character) each result is copied out of the one buffer, so a
 * long-lived result does not keep the whole batch alive; otherwise each text
 * is encoded on its own.
 */
export function encodeAll(texts: readonly string[]): Uint8Array[] {
  const joined = texts.join('');
  const bytes = UTF8.encode(joined);
  if (bytes.length !== joined.length) return texts.map((t) => UTF8.encode(t));
  const out: Uint8Array[] = new Array(texts.length);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const n = (texts[i] as string).length;
    out[i] = bytes.slice(at, at + n);
    at += n;
  }
  return out;
}
