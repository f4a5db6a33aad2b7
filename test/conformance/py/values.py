"""Values through a router between real autobahn-python sessions, one serializer each.

  python values.py <ws-url> <serializer> echo <name>
      registers observatory.values.<name>.echo (returns what it got), prints
      "ready <subprotocol>" and serves until killed;
  python values.py <ws-url> <serializer> call <name> [<name> ...]
      calls each echo with SAMPLE (as args and as a kwarg) and prints one JSON
      line: {"protocol": the subprotocol it spoke, name: {index: repr} of the
      SAMPLE items that came back different (empty when all came back equal),
      or {"error": repr}}.

<serializer> is autobahn's id: cbor, cbor.batched, msgpack, msgpack.batched,
json, json.batched. repr() tells 5.0 from 5, bytes from str, NaN from None.
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
        self.leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()


def main():
    url, serializer_id, role, *names = sys.argv[1:]
    serializers = [create_transport_serializer(serializer_id)]
    if role == 'echo':
        runner = ApplicationRunner(url, 'test_realm', extra={'name': names[0]}, serializers=serializers)
        runner.run(Echo)
    else:
        runner = ApplicationRunner(url, 'test_realm', extra={'names': names}, serializers=serializers)
        runner.run(Call)


if __name__ == '__main__':
    main()
