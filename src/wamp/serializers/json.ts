// `wamp.2.json` and `wamp.2.json.batched` (each message ends with 0x1e).

import { asText, type WampSerializer } from './serializer.ts';

const RECORD_SEPARATOR = '\u001e';

export const json: WampSerializer = {
  protocol: 'wamp.2.json',
  binary: false,
  encode: (message) => JSON.stringify(message),
  decode: (frame) => [JSON.parse(asText(frame))],
};

export const jsonBatched: WampSerializer = {
  protocol: 'wamp.2.json.batched',
  binary: false,
  encode: (message) => JSON.stringify(message) + RECORD_SEPARATOR,
  decode(frame) {
    const parts = asText(frame).split(RECORD_SEPARATOR);
    if (parts.pop() !== '') throw new SyntaxError('A batched JSON frame must end with 0x1e.');
    return parts.map((part) => JSON.parse(part));
  },
};
