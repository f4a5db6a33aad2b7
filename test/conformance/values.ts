// Values through a router between real autobahn-python sessions, for every
// pair of serializers (caller x callee), and from our own client with each of
// ours: NaN and infinities, integers up to 2^53, floats, binary, unicode.
// Crossbar carries every value exactly; the simulator's differences are the
// ones README lists, and this suite pins them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import process from 'node:process';
import { WampPeer } from '../../src/wamp/peer.ts';
import { cbor, json, msgpack } from '../../src/wamp/serializers/index.ts';
import { WebSocketTransport } from '../../src/wamp/websocket-transport.ts';
import { findPython, skipWithoutPython } from '../interop/python.ts';

const SCRIPT = new URL('./py/values.py', import.meta.url).pathname;
const PYTHON_SERIALIZERS = ['cbor', 'cbor.batched', 'msgpack', 'msgpack.batched', 'json', 'json.batched'];
const nameOf = (serializer: string) => serializer.replace('.', '_');

export interface ValuesRouter {
  wsUrl: string;
  close(): Promise<void>;
}

/** SAMPLE indices (values.py) that come back different: index -> repr, or ANY_VALUE when only the index is pinned. */
export type Differences = Record<string, string>;
export const ANY_VALUE = '(any)';

/** What the router under test changes, for a caller and callee serializer; crossbar changes nothing. */
export type KnownDifferences = (caller: string, callee: string) => Differences;

function python(args: string[]): { child: ChildProcess; lines: AsyncIterator<string>; output: () => string } {
  const child = spawn(findPython() as string, ['-u', SCRIPT, ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const lines = (async function* () {
    let buffered = '';
    for await (const chunk of child.stdout!) {
      buffered += chunk.toString();
      text += chunk.toString();
      let at;
      while ((at = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
      }
    }
  })();
  return { child, lines: lines[Symbol.asyncIterator](), output: () => text };
}

/** The next line that starts with `prefix` (the iterator stays open for the next call). */
async function firstLine(lines: AsyncIterator<string>, prefix: string, output: () => string): Promise<string> {
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`no "${prefix}" line from values.py:\n${output()}`);
    if (next.value.startsWith(prefix)) return next.value;
  }
}

export function valuesConformance(name: string, start: () => Promise<ValuesRouter>, known: KnownDifferences, options: { skip?: string | false } = {}): void {
  const skip = options.skip || skipWithoutPython();
  describe(`router conformance: ${name}: values through every serializer`, { skip }, () => {
    let router: ValuesRouter;
    const echoes: ChildProcess[] = [];

    before(async () => {
      router = await start();
      // One process, one session per serializer, each offering only its own.
      const echo = python([router.wsUrl, 'echo', ...PYTHON_SERIALIZERS]);
      echoes.push(echo.child);
      const ready: string[] = [];
      while (ready.length < PYTHON_SERIALIZERS.length) ready.push(await firstLine(echo.lines, 'ready', echo.output));
      assert.deepEqual(ready.sort(), PYTHON_SERIALIZERS.map((s) => `ready wamp.2.${s}`).sort(), 'the router speaks the one serializer offered');
    });
    after(async () => {
      for (const echo of echoes) echo.kill('SIGKILL');
      await router?.close();
    });

    it('autobahn-python to autobahn-python, every caller and callee serializer', async () => {
      const call = python([router.wsUrl, 'call', ...PYTHON_SERIALIZERS, '--', ...PYTHON_SERIALIZERS.map(nameOf)]);
      const reports: Record<string, Differences | string>[] = [];
      while (reports.length < PYTHON_SERIALIZERS.length) reports.push(JSON.parse(await firstLine(call.lines, '{', call.output)));
      call.child.kill();
      for (const report of reports) {
        const caller = String(report.protocol).replace(/^wamp\.2\./, '');
        assert.ok(PYTHON_SERIALIZERS.includes(caller), String(report.protocol));
        for (const callee of PYTHON_SERIALIZERS) {
          const expected = known(caller, callee);
          const actual = { ...(report[nameOf(callee)] as Differences) };
          for (const [index, value] of Object.entries(expected)) if (value === ANY_VALUE && index in actual) actual[index] = ANY_VALUE;
          assert.deepEqual(actual, expected, `caller ${caller}, callee ${callee}`);
        }
      }
    });

    for (const serializer of [json, msgpack, cbor]) {
      it(`our client with ${serializer.protocol} to an autobahn-python callee on each serializer`, async () => {
        const session = await WampPeer.join(await WebSocketTransport.connect(router.wsUrl, { serializers: [serializer] }), 'test_realm');
        try {
          const sample: unknown[] = [NaN, Infinity, -Infinity, 2 ** 53 - 1, 2 ** 40 + 1, -(2 ** 40), 0.5, 1e300, 'héllo ☃ 𝄞', { nested: [null, true] }];
          if (serializer.binary) sample.push(new Uint8Array([0, 1, 255]));
          for (const callee of PYTHON_SERIALIZERS) {
            if (serializer.binary && callee.startsWith('json') && !name.startsWith('crossbar')) continue; // binary to JSON: README
            const result = await session.call(`observatory.values.${nameOf(callee)}.echo`, sample, { sample });
            assert.deepEqual(normalize(result.args), sample, `to ${callee}`);
            assert.deepEqual(normalize((result.kwargs as { sample: unknown[] }).sample), sample, `to ${callee} (kwargs)`);
          }
        } finally {
          await session.leave();
        }
      });
    }
  });
}

/** Byte strings compare as plain Uint8Array (decoders may hand back a Buffer). */
function normalize(values: unknown[]): unknown[] {
  return values.map((v) => v instanceof Uint8Array ? new Uint8Array(v) : v);
}
