// The proxy link's wire format: one WebSocket message carries a batch of
// records, each for one client connection of that proxy (its link id).
// Client frames pass through as they are, in the client's own serializer:
// the proxy never decodes WAMP, the router decodes each with the session's
// serializer, so one malformed client frame costs only its session.
//
// Text frames (JSON clients), opens and closes travel in text batches, so
// neither end converts UTF-8 in JavaScript (the runtime does it once per
// batch): records `T<id>:<length>:<frame>`, `O<id>:<length>:<json>` and
// `C<id>:<length>:<code> <reason>`, lengths in UTF-16 code units. Binary
// frames (msgpack, CBOR) travel in binary batches: kind (u8), id (u32),
// length (u32), bytes. A writer holds one kind of batch at a time and
// writes it before starting the other, so records keep their order.

import { flushSoon } from '../../src/runtime/send-batch.ts';

/** The link's WebSocket subprotocol. */
export const LINK_PROTOCOL = 'ocs-sim.proxy-link.2';

const BINARY = 3;
const HEADER = 9;
const OPEN_MARK = 79; // 'O'
const TEXT_MARK = 84; // 'T'
const CLOSE_MARK = 67; // 'C'
/** A batch is written as soon as this much waits (bytes, or UTF-16 units of text), else this long after its first record. */
const FLUSH_AT = 64 * 1024;
/**
 * Gathering for a moment, not just for one turn of the event loop, is what
 * makes batches: at 10k heartbeats/s a turn holds only a few. 2 ms makes about
 * 20 per batch there, 100 at 50k/s, for 2 ms more latency each way.
 */
export const LINK_DELAY_MS = 2;

export interface LinkRecords {
  open(id: number, protocol: string, path: string): void;
  frame(id: number, data: string | Uint8Array): void;
  close(id: number, code: number, reason: string): void;
}

/** Gathers records and writes them as one message per LINK_DELAY_MS (or per 64 KiB). */
export class LinkWriter {
  #buffer = new Uint8Array(FLUSH_AT * 2);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;
  #text = '';
  /** A flush is scheduled (a timer, or the turn's end). */
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #write: (batch: string | Uint8Array) => void;
  readonly #delayMs: number;
  /** Records written, and batches: the link's batching factor. */
  records = 0;
  batches = 0;

  /** `delayMs` 0: once per turn of the event loop. */
  constructor(write: (batch: string | Uint8Array) => void, delayMs = LINK_DELAY_MS) {
    this.#write = write;
    this.#delayMs = delayMs;
  }

  open(id: number, protocol: string, path: string): void {
    this.#textRecord('O', id, JSON.stringify({ protocol, path }));
  }

  frame(id: number, data: string | Uint8Array): void {
    if (typeof data === 'string') this.#textRecord('T', id, data);
    else this.#binaryRecord(id, data);
  }

  close(id: number, code: number, reason: string): void {
    this.#textRecord('C', id, `${code} ${reason}`);
  }

  /** Write what waits now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#text !== '') {
      const batch = this.#text;
      this.#text = '';
      this.batches++;
      this.#write(batch);
    } else if (this.#length > 0) {
      const batch = this.#buffer.slice(0, this.#length);
      this.#length = 0;
      this.batches++;
      this.#write(batch);
    }
  }

  #textRecord(mark: string, id: number, payload: string): void {
    if (this.#length > 0) this.flush();
    this.#text += `${mark}${id}:${payload.length}:${payload}`;
    this.#added(this.#text.length);
  }

  #binaryRecord(id: number, payload: Uint8Array): void {
    if (this.#text !== '') this.flush();
    const start = this.#length;
    const need = start + HEADER + payload.byteLength;
    if (need > this.#buffer.byteLength) {
      const bigger = new Uint8Array(Math.max(need, this.#buffer.byteLength * 2));
      bigger.set(this.#buffer.subarray(0, start));
      this.#buffer = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    this.#view.setUint8(start, BINARY);
    this.#view.setUint32(start + 1, id);
    this.#view.setUint32(start + 5, payload.byteLength);
    this.#buffer.set(payload, start + HEADER);
    this.#length = need;
    this.#added(need);
  }

  #added(size: number): void {
    this.records++;
    if (size >= FLUSH_AT) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#delayMs > 0) this.#timer = setTimeout(() => this.flush(), this.#delayMs);
      else flushSoon(this);
    }
  }
}

/** Hand every record of one batch to `to`; throws RangeError on a malformed batch (a link bug, not client input). */
export function readBatch(batch: string | Uint8Array, to: LinkRecords): void {
  if (typeof batch === 'string') readTextBatch(batch, to);
  else readBinaryBatch(batch, to);
}

function readTextBatch(batch: string, to: LinkRecords): void {
  let at = 0;
  while (at < batch.length) {
    const mark = batch.charCodeAt(at);
    const colon = batch.indexOf(':', at + 1);
    const colon2 = colon < 0 ? -1 : batch.indexOf(':', colon + 1);
    if (colon2 < 0) throw new RangeError(`Malformed link record at ${at}.`);
    const id = Number(batch.slice(at + 1, colon));
    const start = colon2 + 1;
    at = start + Number(batch.slice(colon + 1, colon2));
    if (!(at <= batch.length) || !Number.isInteger(id)) throw new RangeError(`Malformed link record at ${colon2}.`);
    const payload = batch.slice(start, at);
    if (mark === TEXT_MARK) to.frame(id, payload);
    else if (mark === CLOSE_MARK) {
      const space = payload.indexOf(' ');
      to.close(id, Number(payload.slice(0, space)), payload.slice(space + 1));
    } else if (mark === OPEN_MARK) {
      const { protocol, path } = JSON.parse(payload) as { protocol: string; path: string };
      to.open(id, protocol, path);
    } else throw new RangeError(`Unknown link record kind ${String.fromCharCode(mark)}.`);
  }
}

function readBinaryBatch(batch: Uint8Array, to: LinkRecords): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let at = 0;
  while (at < batch.byteLength) {
    if (at + HEADER > batch.byteLength || view.getUint8(at) !== BINARY) throw new RangeError(`Malformed link record at byte ${at}.`);
    const id = view.getUint32(at + 1);
    const start = at + HEADER;
    at = start + view.getUint32(at + 5);
    if (at > batch.byteLength) throw new RangeError(`Truncated link record at byte ${start}.`);
    to.frame(id, batch.subarray(start, at));
  }
}
