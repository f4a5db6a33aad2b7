"""Values through a router between real autobahn-python sessions, one serializer each.

  python values.py <ws-url> echo <serializer> [<serializer> ...]
      one session per serializer registers observatory.values.<name>.echo
      (returns what it got), where <name> is the serializer id with '.' as
      '_'; prints "ready <subprotocol>" for each, then serves until killed;
  python values.py <ws-url> call <serializer> [...] -- <name> [<name> ...]
      one session per serializer calls each echo with SAMPLE (as args and as a
      kwarg) and prints one JSON line per session: {"protocol": the subprotocol
      it spoke, name: {index: repr} of the SAMPLE items that came back
      different (empty when all came back equal), or {"error": repr}}.

All sessions of one role share one process and one event loop. A serializer
is autobahn's id: cbor, cbor.batched, msgpack, msgpack.batched, json,
json.batched. repr() tells 5.0 from 5, bytes from str, NaN from None.
"""
import asyncio
import json
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp.serializer import create_transport_serializer
from autobahn.wamp.types import CallResult

SAMPLE = [
    float('nan'), float('inf'), -float('inf'),
    2**53, 2**53 - 1, 2**40 + 1, -(2**40),
    5.0, 0.5, -0.0,
    b'\x00\x01\xff',
    'h\u00e9llo \u2603 \U0001d11e',
    {'nested': [1, 2.5, None, True, 1e300]},
    {'__proto__': [1], 'after': 2},
]


def protocol_of(session):
    serializer = session._transport._serializer
    return 'wamp.2.' + serializer.SERIALIZER_ID + ('.batched' if getattr(serializer, '_batched', False) else '')


class Echo(ApplicationSession):
    async def onJoin(self, details):
        name = self.config.extra['name']

        def echo(*args, **kwargs):
            return CallResult(*args, **kwargs)

        await self.register(echo, f'observatory.values.{name}.echo')
        print('ready', protocol_of(self), flush=True)


class Call(ApplicationSession):
    async def onJoin(self, details):
        report = {'protocol': protocol_of(self)}
        for name in self.config.extra['names']:
            try:
                result = await self.call(f'observatory.values.{name}.echo', *SAMPLE, sample=SAMPLE)
                differ = {}
                for got in (list(result.results), result.kwresults.get('sample')):
                    for index, value in enumerate(SAMPLE):
                        if repr(got[index]) != repr(value):
                            differ[index] = repr(got[index])
                report[name] = differ
            except Exception as error:  # a router or serializer failure is a result to report
                report[name] = {'error': repr(error)}
        print(json.dumps(report), flush=True)
        self.config.extra['done'].set_result(None) if not self.config.extra['done'].done() else None
        self.leave()


def main():
    url, role, *rest = sys.argv[1:]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if role == 'echo':
        serializers, names = rest, []
    else:
        split = rest.index('--')
        serializers, names = rest[:split], rest[split + 1:]
    waits = []
    for serializer_id in serializers:
        extra = {'name': serializer_id.replace('.', '_'), 'names': names}
        if role == 'call':
            extra['done'] = loop.create_future()
            waits.append(extra['done'])
        runner = ApplicationRunner(url, 'test_realm', extra=extra, serializers=[create_transport_serializer(serializer_id)])
        loop.run_until_complete(runner.run(Echo if role == 'echo' else Call, start_loop=False))
    if role == 'echo':
        loop.run_forever()
    else:
        loop.run_until_complete(asyncio.wait_for(asyncio.gather(*waits), 60))


if __name__ == '__main__':
    main()
