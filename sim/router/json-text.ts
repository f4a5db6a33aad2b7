// What a transport offers when its peer speaks JSON on a socket (the
// endpoint's SocketTransport for wamp.2.json and .batched): it hands the
// router a plain PUBLISH as its text, already checked, and takes an EVENT as
// JSON text. The broker then forwards a heartbeat's arguments as the text
// they arrived in, building no object for them (Broker.publishText). The
// router falls back to the ordinary path by answering false.

import type { WampTransport } from '../../src/wamp/transport.ts';

/** A plain PUBLISH `[16,request,{},"topic",args(,kwargs)]`; `tail` is its text from args on, `args(,kwargs)]`, strict JSON. */
export type PublishTextHandler = (request: number, topic: string, tail: string) => boolean;

export interface JsonTextTransport extends WampTransport {
  readonly jsonText: true;
  /** Set by the router; false sends the message the ordinary way (decoded, to onMessage). */
  onPublishText: PublishTextHandler | null;
  /** Send one message given as its JSON text; throws as send() does (e.g. over the size limit). */
  sendJsonText(text: string): void;
}

export function isJsonTextTransport(transport: WampTransport): transport is JsonTextTransport {
  return (transport as Partial<JsonTextTransport>).jsonText === true;
}
