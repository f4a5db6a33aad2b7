// deno-lint-ignore-file no-explicit-any -- JSON bodies and replies are read loosely in tests
// Clients for endpoint tests: the project's own JSON peer over WebSocket, and
// a raw WebSocket that sends and records exactly the frames a test writes
// (msgpack, CBOR or JSON, plain or batched), so tests can check the wire and
// misbehave on purpose. The codecs are the libraries themselves, not the
// project's serializers under test.

import { readFileSync } from 'node:fs';
import { decode as decodeMsgpack, encode as encodeMsgpack } from '@msgpack/msgpack';
import { Encoder } from 'cbor-x';
import { type CrossbarConfig, parseCrossbarConfig } from '../../sim/endpoint/index.ts';
import { WampPeer } from '../../src/wamp/peer.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';

/** simonsobs/ocs tests/config.json, same content (port 18001; the tests override it with 0). */
export function ocsTestConfig(): CrossbarConfig {
  return parseCrossbarConfig(readFileSync(new URL('./fixtures/ocs-tests-config.json', import.meta.url), 'utf8'));
}

export async function joinJson(wsUrl: string, realm = 'test_realm'): Promise<WampPeer> {
  return WampPeer.join(await WebSocketTransport.connect(wsUrl), realm);
}

export const HELLO_ROLES = { caller: {}, callee: {}, publisher: {}, subscriber: {} };

export class RawSocket {
  readonly received: unknown[][] = [];
  readonly frames: Array<string | Uint8Array> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeEvent: { code: number; reason: string } | undefined;
  readonly #socket: WebSocket;
  #read = 0;
  #waiter: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    let resolveClosed!: (event: { code: number; reason: string }) => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    socket.onmessage = (event) => {
      const frame = typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer);
      this.frames.push(frame);
      for (const message of decodeFrame(this.protocol, frame)) this.received.push(message as unknown[]);
      this.#wake();
    };
    socket.onclose = (event) => {
      this.closeEvent = { code: event.code, reason: event.reason };
      resolveClosed(this.closeEvent);
      this.#wake();
    };
  }

  /** Opens, or rejects when the server refuses the handshake. */
  static connect(url: string, protocols: string[]): Promise<RawSocket> {
    const socket = new WebSocket(url, protocols);
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(new RawSocket(socket));
      socket.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    });
  }

  get protocol(): string {
    return this.#socket.protocol;
  }

  /** Encode with the negotiated serializer and send. */
  send(message: unknown[]): void {
    this.sendRaw(encodeFrame(this.protocol, [message]));
  }

  /** Several messages in one batched frame. */
  sendBatch(messages: unknown[][]): void {
    this.sendRaw(encodeFrame(this.protocol, messages));
  }

  sendRaw(data: string | Uint8Array): void {
    this.#socket.send(data as string | Uint8Array<ArrayBuffer>);
  }

  async next(): Promise<unknown[]> {
    while (this.#read >= this.received.length) {
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code} ${this.closeEvent.reason}) while waiting for a message`);
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    return this.received[this.#read++] as unknown[];
  }

  async join(realm = 'test_realm'): Promise<unknown[]> {
    this.send([1, realm, { roles: HELLO_ROLES }]);
    return this.next();
  }

  close(): Promise<{ code: number; reason: string }> {
    this.#socket.close(1000);
    return this.closed;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

const cborCodec = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const isCbor = (protocol: string) => protocol.startsWith('wamp.2.cbor');
const encode = (protocol: string, message: unknown) => isCbor(protocol) ? cborCodec.encode(message) : encodeMsgpack(message);
const decode = (protocol: string, body: Uint8Array) => isCbor(protocol) ? cborCodec.decode(body) : decodeMsgpack(body);

function encodeFrame(protocol: string, messages: unknown[][]): string | Uint8Array {
  if (protocol === 'wamp.2.json') return JSON.stringify(messages[0]);
  if (protocol === 'wamp.2.json.batched') return messages.map((m) => JSON.stringify(m) + '\u0018').join('');
  if (protocol === 'wamp.2.msgpack' || protocol === 'wamp.2.cbor') return encode(protocol, messages[0]);
  const parts = messages.map((m) => encode(protocol, m));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    new DataView(out.buffer).setUint32(at, part.byteLength);
    out.set(part, at + 4);
    at += 4 + part.byteLength;
  }
  return out;
}

function decodeFrame(protocol: string, frame: string | Uint8Array): unknown[] {
  if (protocol === 'wamp.2.json') return [JSON.parse(frame as string)];
  if (protocol === 'wamp.2.json.batched') return (frame as string).split('\u0018').slice(0, -1).map((p) => JSON.parse(p));
  if (protocol === 'wamp.2.msgpack' || protocol === 'wamp.2.cbor') return [decode(protocol, frame as Uint8Array)];
  const bytes = frame as Uint8Array;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: unknown[] = [];
  for (let at = 0; at < bytes.byteLength;) {
    const length = view.getUint32(at);
    out.push(decode(protocol, bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return out;
}

/** POST a JSON body the way OCS's client does (no Content-Type) unless headers say otherwise. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  // Bytes, not a string: fetch would add "Content-Type: text/plain" to a string body.
  const bytes = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  const response = await fetch(url, { method: 'POST', body: bytes, headers });
  return { status: response.status, body: await response.json() };
}
