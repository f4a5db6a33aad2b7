// The server side of RFC 6455 for Node, on the socket node:http hands over
// at 'upgrade'. Node has no WebSocket server of its own and @hono/node-server
// 2.x expects the `ws` package, which this project does not depend on. No
// extensions (no permessage-deflate): WAMP messages are small and crossbar
// does not need them. A peer that breaks the protocol loses its connection.

import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const CLOSE_WAIT_MS = 1000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface NodeSocketEvents {
  message(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  /** The peer broke the protocol or a limit; the connection is being closed with `code`. */
  violation(code: number, reason: string): void;
}

/** Write the 101 answer; false (and a 400 written) if the handshake is not a valid RFC 6455 one. */
export function acceptHandshake(socket: Duplex, headers: Record<string, string | string[] | undefined>, protocol: string): boolean {
  const key = headers['sec-websocket-key'];
  if (typeof key !== 'string' || headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return false;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`];
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return true;
}

export class NodeWebSocket {
  readonly #socket: Duplex;
  readonly #events: NodeSocketEvents;
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Data frames of the message being reassembled. */
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #messageOpcode = 0;
  #closeSent = false;
  #closeCode = 1006;
  #closeReason = '';
  #ended = false;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(socket: Duplex, head: Buffer, maxBytes: number, events: NodeSocketEvents) {
    this.#socket = socket;
    this.#events = events;
    this.#maxBytes = maxBytes;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.end());
    socket.on('close', () => this.#closed());
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    if (head.length > 0) this.#receive(head);
  }

  send(data: string | Uint8Array): void {
    if (this.#closeSent || this.#socket.destroyed) return;
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.#writeFrame(typeof data === 'string' ? 0x1 : 0x2, payload);
  }

  /** Start the closing handshake; the socket is dropped if the peer does not answer in time. */
  close(code = 1000, reason = ''): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#closeCode = code;
    this.#closeReason = reason;
    const text = Buffer.from(reason.slice(0, 120), 'utf8');
    const payload = Buffer.alloc(2 + text.length);
    payload.writeUInt16BE(code, 0);
    text.copy(payload, 2);
    if (!this.#socket.destroyed) this.#writeFrame(0x8, payload);
    this.#socket.end();
    this.#closeTimer = setTimeout(() => this.#socket.destroy(), CLOSE_WAIT_MS);
    this.#closeTimer.unref?.();
  }

  #writeFrame(opcode: number, payload: Uint8Array): void {
    const length = payload.byteLength;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.from([0x80 | opcode, length]);
    } else if (length < 0x10000) {
      header = Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.#socket.write(header);
    this.#socket.write(payload);
  }

  #receive(chunk: Buffer): void {
    if (this.#ended) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (!this.#ended && this.#parseFrame());
  }

  /** Parse one complete frame if buffered; false when more bytes are needed. */
  #parseFrame(): boolean {
    if (this.#buffered < 2) return false;
    const start = this.#peek(Math.min(this.#buffered, 14));
    const b0 = start[0] as number;
    const b1 = start[1] as number;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return this.#fail(1002, 'reserved bits set');
    if ((b1 & 0x80) === 0) return this.#fail(1002, 'client frames must be masked');
    let length = b1 & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (start.length < 4) return false;
      length = start.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (start.length < 10) return false;
      const big = start.readBigUInt64BE(2);
      if (big > BigInt(this.#maxBytes)) return this.#fail(1009, 'message too big');
      length = Number(big);
      offset = 10;
    }
    const control = opcode >= 0x8;
    if (control && (!fin || length > 125)) return this.#fail(1002, 'bad control frame');
    if (!control && this.#fragmentBytes + length > this.#maxBytes) return this.#fail(1009, 'message too big');
    if (this.#buffered < offset + 4 + length) return false;
    const frame = this.#take(offset + 4 + length);
    const mask = frame.subarray(offset, offset + 4);
    const payload = frame.subarray(offset + 4);
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i & 3] as number);
    if (control) return this.#control(opcode, payload);
    return this.#data(opcode, fin, payload);
  }

  #control(opcode: number, payload: Buffer): boolean {
    if (opcode === 0x9) {
      if (!this.#closeSent) this.#writeFrame(0xa, payload);
      return true;
    }
    if (opcode === 0xa) return true;
    if (opcode !== 0x8) return this.#fail(1002, `unknown opcode ${opcode}`);
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    let reason = '';
    try {
      reason = utf8.decode(payload.subarray(2));
    } catch {
      // keep the code, drop an undecodable reason
    }
    if (!this.#closeSent) {
      this.close(code === 1005 ? 1000 : code, reason);
    }
    this.#closeCode = code;
    this.#closeReason = reason;
    this.#ended = true;
    return false;
  }

  #data(opcode: number, fin: boolean, payload: Buffer): boolean {
    if (opcode === 0x0) {
      if (this.#messageOpcode === 0) return this.#fail(1002, 'continuation without a message');
    } else if (opcode === 0x1 || opcode === 0x2) {
      if (this.#messageOpcode !== 0) return this.#fail(1002, 'new message inside a fragmented one');
      this.#messageOpcode = opcode;
    } else {
      return this.#fail(1002, `unknown opcode ${opcode}`);
    }
    this.#fragments.push(payload);
    this.#fragmentBytes += payload.length;
    if (!fin) return true;
    const whole = this.#fragments.length === 1 ? (this.#fragments[0] as Buffer) : Buffer.concat(this.#fragments, this.#fragmentBytes);
    const isText = this.#messageOpcode === 0x1;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#messageOpcode = 0;
    if (this.#closeSent) return true; // closing: ignore further data
    if (!isText) {
      this.#events.message(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength));
      return true;
    }
    let text: string;
    try {
      text = utf8.decode(whole);
    } catch {
      return this.#fail(1007, 'text message is not UTF-8');
    }
    this.#events.message(text);
    return true;
  }

  #fail(code: number, reason: string): boolean {
    this.#ended = true;
    this.#events.violation(code, reason);
    this.#chunks = [];
    this.#buffered = 0;
    this.close(code, reason);
    return false;
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first.subarray(0, n);
    // Join just enough leading chunks: a frame header is at most 14 bytes.
    const parts: Buffer[] = [];
    let size = 0;
    for (const chunk of this.#chunks) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= n) break;
    }
    return Buffer.concat(parts, size).subarray(0, n);
  }

  /** Remove and return the first n buffered bytes (a copy only when they span chunks). */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0] as Buffer;
      const count = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, count);
      filled += count;
      if (count === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(count);
    }
    return out;
  }

  #closed(): void {
    if (this.#closeTimer) clearTimeout(this.#closeTimer);
    this.#ended = true;
    this.#events.close(this.#closeCode, this.#closeReason);
  }
}
