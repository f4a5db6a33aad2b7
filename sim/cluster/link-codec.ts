// The proxy link's wire format: one binary WebSocket message carries a batch
// of records, each for one client connection of that proxy (its link id).
// Record: kind (u8), link id (u32), length (u32), payload. Client frames pass
// through as they are (text or binary, in the client's own serializer): the
// proxy never decodes WAMP, the router decodes each with the session's
// serializer, so one malformed client frame costs only its session.

import { flushSoon } from '../../src/runtime/send-batch.ts';

/** The link's WebSocket subprotocol. */
export const LINK_PROTOCOL = 'ocs-sim.proxy-link.1';

export const OPEN = 1; // proxy -> router: payload JSON {protocol, path}
export const TEXT = 2; // either way: a text frame of that connection
export const BINARY = 3; // either way: a binary frame
export const CLOSE = 4; // either way: payload u16 code + UTF-8 reason

const HEADER = 9;
/** A batch is written as soon as this much waits, else this long after its first record. */
const FLUSH_AT_BYTES = 64 * 1024;
/**
 * Gathering for a moment, not just for one turn of the event loop, is what
 * makes batches: at 10k heartbeats/s a turn holds only a few. 2 ms makes about
 * 20 per batch there, 100 at 50k/s, for 2 ms more latency each way.
 */
export const LINK_DELAY_MS = 2;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface LinkRecords {
  open(id: number, protocol: string, path: string): void;
  frame(id: number, data: string | Uint8Array): void;
  close(id: number, code: number, reason: string): void;
}

/** Gathers records and writes them as one message per LINK_DELAY_MS (or per 64 KiB). */
export class LinkWriter {
  #buffer = new Uint8Array(FLUSH_AT_BYTES * 2);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;
  /** A flush is scheduled (a timer, or the turn's end). */
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #write: (batch: Uint8Array) => void;
  readonly #delayMs: number;
  /** Records written, and batches: the link's batching factor. */
  records = 0;
  batches = 0;

  /** `delayMs` 0: once per turn of the event loop. */
  constructor(write: (batch: Uint8Array) => void, delayMs = LINK_DELAY_MS) {
    this.#write = write;
    this.#delayMs = delayMs;
  }

  open(id: number, protocol: string, path: string): void {
    this.#bytes(OPEN, id, encoder.encode(JSON.stringify({ protocol, path })));
  }

  frame(id: number, data: string | Uint8Array): void {
    if (typeof data !== 'string') {
      this.#bytes(BINARY, id, data);
      return;
    }
    const start = this.#reserve(data.length * 3);
    const { written } = encoder.encodeInto(data, this.#buffer.subarray(start + HEADER));
    this.#commit(TEXT, id, start, written);
  }

  close(id: number, code: number, reason: string): void {
    const text = encoder.encode(reason);
    const payload = new Uint8Array(2 + text.byteLength);
    new DataView(payload.buffer).setUint16(0, code);
    payload.set(text, 2);
    this.#bytes(CLOSE, id, payload);
  }

  /** Write what waits now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#length === 0) return;
    const batch = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    this.batches++;
    this.#write(batch);
  }

  #bytes(kind: number, id: number, payload: Uint8Array): void {
    const start = this.#reserve(payload.byteLength);
    this.#buffer.set(payload, start + HEADER);
    this.#commit(kind, id, start, payload.byteLength);
  }

  /** Room for a record of up to `size` payload bytes; returns where it starts. */
  #reserve(size: number): number {
    const need = this.#length + HEADER + size;
    if (need > this.#buffer.byteLength) {
      const bigger = new Uint8Array(Math.max(need, this.#buffer.byteLength * 2));
      bigger.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    return this.#length;
  }

  #commit(kind: number, id: number, start: number, size: number): void {
    this.#view.setUint8(start, kind);
    this.#view.setUint32(start + 1, id);
    this.#view.setUint32(start + 5, size);
    this.#length = start + HEADER + size;
    this.records++;
    if (this.#length >= FLUSH_AT_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#delayMs > 0) this.#timer = setTimeout(() => this.flush(), this.#delayMs);
      else flushSoon(this);
    }
  }
}

/** Hand every record of one batch to `to`; throws RangeError on a truncated batch (a link bug, not client input). */
export function readBatch(batch: Uint8Array, to: LinkRecords): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let at = 0;
  while (at < batch.byteLength) {
    if (at + HEADER > batch.byteLength) throw new RangeError(`Truncated link record header at byte ${at}.`);
    const kind = view.getUint8(at);
    const id = view.getUint32(at + 1);
    const size = view.getUint32(at + 5);
    const start = at + HEADER;
    at = start + size;
    if (at > batch.byteLength) throw new RangeError(`Truncated link record at byte ${start}.`);
    const payload = batch.subarray(start, at);
    if (kind === TEXT) to.frame(id, decoder.decode(payload));
    else if (kind === BINARY) to.frame(id, payload);
    else if (kind === CLOSE) to.close(id, size >= 2 ? view.getUint16(start) : 1005, decoder.decode(payload.subarray(2)));
    else if (kind === OPEN) {
      const { protocol, path } = JSON.parse(decoder.decode(payload)) as { protocol: string; path: string };
      to.open(id, protocol, path);
    } else throw new RangeError(`Unknown link record kind ${kind}.`);
  }
}
