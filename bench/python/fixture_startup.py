"""Start-up of the pytest plugin's router fixture: the simulator from the
wheel against a real crossbar (what a docker crossbar container runs), each
from spawn to /info answering 200, then to a FakeDataAgent answering get_api,
and the agent's teardown. Run with the venv that holds pytest-ocs-sim and ocs:

  .venv-plugin/bin/python bench/python/fixture_startup.py --crossbar .venv-crossbar/bin/crossbar [--runs 5] [--port 22030] [--json out.json]
"""
import argparse
import json
import statistics
import tempfile
import time

from pytest_ocs_sim import Simulator
from pytest_ocs_sim.agents import start_agent
from pytest_ocs_sim.crossbar import CrossbarRouter
from pytest_ocs_sim.plugin import DEFAULT_INSTANCES, Site


def once(router):
    began = time.monotonic()
    router.start_process()
    serving = time.monotonic() - began
    with tempfile.TemporaryDirectory() as tmp:
        site = Site(tmp, router, DEFAULT_INSTANCES)
        agent_began = time.monotonic()
        agent = start_agent(site, 'fake_data', 'fake-data1', ['--mode', 'idle'])
        router.wait_agent('fake-data1', 60)
        agent_up = time.monotonic() - agent_began
        agent_stop = agent.stop()
    router.stop_process()
    return {'router_serving_s': serving, 'agent_registered_s': agent_up, 'agent_teardown_s': agent_stop}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--crossbar', required=True)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--port', type=int, default=22030)
    parser.add_argument('--json', default='')
    args = parser.parse_args()
    results = {}
    for name, make in [('simulator', lambda: Simulator(port=args.port)),
                       ('crossbar', lambda: CrossbarRouter(port=args.port, executable=args.crossbar))]:
        runs = [once(make()) for _ in range(args.runs)]
        results[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(name, {k: round(v, 3) for k, v in results[name].items()}, flush=True)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'program': 'fixture_startup', 'runs': args.runs, 'medians': results}, f, indent=2)


if __name__ == '__main__':
    main()
