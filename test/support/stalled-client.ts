// A WebSocket client that stops reading: a raw TCP connection that does the
// RFC 6455 handshake, may send a few masked text frames, then pauses. Its
// kernel buffers fill and everything else queues on the server, which is
// what a backpressure bound is for.

import { connect, type Socket } from 'node:net';

export interface StalledClient {
  /** Send one masked text frame (small payloads only). */
  sendText(text: string): void;
  /** Stop reading for good. */
  stall(): void;
  /** Read again, discarding; resolves with 0 once `bytes` more have arrived (frames and all), or with how many were missing when the connection closed. */
  resume(bytes: number): Promise<number>;
  destroy(): void;
}

export function openStalledClient(port: number, path: string, protocol: string): Promise<StalledClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.on('error', (error) => reject(error));
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) {
        reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        return;
      }
      resolve({
        sendText(text) {
          const payload = Buffer.from(text, 'utf8');
          if (payload.length > 125) throw new RangeError('stalled client: small frames only');
          const mask = Buffer.from([1, 2, 3, 4]);
          const frame = Buffer.alloc(6 + payload.length);
          frame[0] = 0x81;
          frame[1] = 0x80 | payload.length;
          mask.copy(frame, 2);
          for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i & 3]!;
          socket.write(frame);
        },
        stall: () => void socket.pause(),
        resume: (bytes) =>
          new Promise<number>((done) => {
            let left = bytes;
            socket.on('data', (chunk: Buffer) => {
              left -= chunk.length;
              if (left <= 0) done(0);
            });
            socket.on('close', () => done(Math.max(0, left)));
            socket.resume();
          }),
        destroy: () => socket.destroy(),
      });
    };
    socket.on('data', onData);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
      );
    });
  });
}
