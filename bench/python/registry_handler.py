"""The Python RegistryAgent's heartbeat handler on the same synthetic stream
as bench/core.bench.ts: N agents, 4 ops, 5% of heartbeats change acq.
Prints one JSON line: heartbeats/s per size and the once-a-second
scan-and-encode of main() (expire loop + session.data).

Run: python bench/python/registry_handler.py 1000,10000,100000
Needs the `ocs` package (pip install ocs).
"""
import json
import random
import sys
import time
from types import SimpleNamespace
from unittest import mock

from ocs.agents.registry.agent import Registry

OPS = ['acq', 'count', 'set_heartbeat', 'delay_task']


def event(i, variant):
    address = f'observatory.agent-{i}'
    ops = {op: (1 + 2 * variant if k == 0 else 1) for k, op in enumerate(OPS)}
    feed = {'agent_address': address, 'agg_params': {}, 'feed_name': 'heartbeat',
            'address': f'{address}.feeds.heartbeat', 'record': False,
            'session_id': f'1700000000.{100000 + i}', 'agent_class': 'FakeDataAgent'}
    return [ops, feed]


def registry():
    agent = mock.MagicMock()
    agent.publish_to_feed = lambda *a, **k: None  # the TS core bench does not publish either
    return Registry(agent, SimpleNamespace(wait_time=30.0, address_root='observatory'))


def ingest_rate(n):
    reg = registry()
    for i in range(n):
        reg._register_heartbeat(event(i, 0))
    rnd = random.Random(42)
    variant = [0] * n
    total = max(200_000, n * 2)
    batch = 64
    timed = 0.0
    i = 0
    done = 0
    while done < total:
        events = []
        for _ in range(batch):
            if rnd.random() < 0.05:
                variant[i] ^= 1
            events.append(event(i, variant[i]))
            i = 0 if i + 1 == n else i + 1
        start = time.perf_counter()
        for e in events:
            reg._register_heartbeat(e)
        timed += time.perf_counter() - start
        done += batch
    return total / timed, reg


def scan_and_encode_ms(reg):
    # What main() does every second (agent.py:203-210): the O(N) expiry scan and
    # the full re-encode of session.data.
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        now = time.time()
        for agent in reg.registered_agents.values():
            if now - agent.last_updated > reg.agent_timeout:
                agent.expire()
        data = {k: a.encoded() for k, a in reg.registered_agents.items()}
        runs.append((time.perf_counter() - start) * 1000)
        assert len(data) == len(reg.registered_agents)
    return sorted(runs)[len(runs) // 2]


def main():
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else '1000,10000,100000').split(',')]
    results = []
    for n in sizes:
        rate, reg = ingest_rate(n)
        results.append({'agents': n, 'ingestPerSec': rate, 'scanAndEncodeMs': scan_and_encode_ms(reg)})
    print(json.dumps({'python': sys.version.split()[0], 'results': results}))


if __name__ == '__main__':
    main()
