"""Feed captured agent_operations events to the real downstream consumers.

Reads JSON from stdin: a list of [message, feed] pairs as a subscriber got
them. Runs each through the OCS InfluxDB publisher's format_data(), and
through the aggregator's feed checks: the real Provider (save_to_block and
to_frame) when so3g is installed, else the checks it is made of in ocs_feed
(field names, one Block per block name, type-homogeneous values).
Prints a JSON report; any problem is listed in "errors".
"""
import json
import re
import sys

from ocs.common.influxdb_drivers import format_data
from ocs.ocs_feed import Block, Feed

LINE = re.compile(r'^observatory\.registry,feed=agent_operations ([A-Za-z_][A-Za-z0-9_]*)=([1-8])i (\d+)$')


def check_aggregator(events, errors):
    try:
        import so3g
        from ocs.agents.aggregator.drivers import Provider
        hksess = so3g.hk.HKSessionHelper(description='ocs-registry interop check')
    except ImportError:
        Provider = None
    providers = {}
    blocks = {}
    for message, feed in events:
        if not feed.get('record'):
            errors.append('feed.record is not true: the aggregator would drop it')
        agg = feed.get('agg_params')
        if not isinstance(agg, dict) or agg.get('frame_length') != 60:
            errors.append(f'agg_params is {agg!r}')
        for name, block in message.items():
            if block['block_name'] != name:
                errors.append(f'block {name} has block_name {block["block_name"]}')
            if not all(isinstance(t, float) for t in block['timestamps']):
                errors.append(f'{name}: timestamps are not all floats: {block["timestamps"]}')
            for field, values in block['data'].items():
                Feed.verify_data_field_string(field)
                if len(values) != len(block['timestamps']) or not all(type(v) is int for v in values):
                    errors.append(f'{field}: values {values!r} are not ints, one per timestamp')
            if Provider is not None:
                key = (feed['address'], feed['session_id'])
                if key not in providers:
                    prov_id = hksess.add_provider(feed['address'])
                    providers[key] = Provider(feed['address'], feed['session_id'], prov_id,
                                              frame_length=agg.get('frame_length', 300))
                providers[key].save_to_block(message)
            else:
                # Block raises "Block structure does not match" if a block's keys change.
                if name not in blocks:
                    blocks[name] = Block(name, list(block['data'].keys()))
                blocks[name].extend(block)
    if Provider is not None:
        for provider in providers.values():
            # A block whose values G3 cannot cast as one type is logged and dropped here.
            frame = provider.to_frame(hksess)
            written = sorted(frame['block_names'])
            if written != sorted(provider.blocks.keys()):
                errors.append(f'blocks dropped from the G3 frame: {sorted(set(provider.blocks) - set(written))}')
            for m in frame['blocks']:
                for key in m.keys():
                    if type(m[key]).__name__ != 'G3VectorInt':
                        errors.append(f'{key} is written as {type(m[key]).__name__}, not integers')
    return 'Provider (so3g)' if Provider is not None else 'ocs_feed checks (no so3g)'


def main():
    events = json.load(sys.stdin)
    errors = []
    lines = []
    for message, feed in events:
        for line in format_data(message, feed, 'line'):
            lines.append(line)
            if not LINE.match(line):
                errors.append(f'influx line does not look right: {line}')
    aggregator = check_aggregator(events, errors)
    print(json.dumps({'events': len(events), 'influx_lines': lines, 'aggregator': aggregator, 'errors': errors}))


if __name__ == '__main__':
    main()
