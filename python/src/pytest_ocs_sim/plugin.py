"""The pytest plugin: fixtures for OCS tests on the simulated network.

  ocs_router       (session) the simulator on --ocs-sim-port (18001), with OCS's
                   test crossbar config or --ocs-sim-config; fault hooks on it.
                   With --ocs-router crossbar: a real crossbar instead (to compare).
  ocs_site         (session) a site config directory for that router (OCS_CONFIG_DIR).
  ocs_agent        (function) factory: start a Python OCS agent, wait until it registered.
  ocs_registry     (session) the TypeScript registry (`ocs-sim registry`), registered.
  ocs_swarm        (function) factory: run `ocs-sim swarm` against the router.
  ocs_sim_timings  (session) seconds measured by the fixtures (start-up, teardown).
"""
import os
import time

import pytest

from .agents import run_swarm, start_agent, start_registry
from .crossbar import CrossbarRouter
from .simulator import Simulator
from .site import write_site

DEFAULT_INSTANCES = [
    {'agent-class': 'RegistryAgent', 'instance-id': 'registry', 'arguments': []},
    {'agent-class': 'FakeDataAgent', 'instance-id': 'fake-data1', 'arguments': ['--mode', 'acq']},
    {'agent-class': 'FakeDataAgent', 'instance-id': 'fake-data2', 'arguments': ['--mode', 'acq']},
    {'agent-class': 'AggregatorAgent', 'instance-id': 'aggregator', 'arguments': []},
]


def pytest_addoption(parser):
    group = parser.getgroup('ocs-sim', 'OCS crossbar simulator')
    group.addoption('--ocs-sim-port', type=int, default=18001, help='router port (default 18001, as OCS tests expect)')
    group.addoption('--ocs-sim-config', default=None, help="crossbar config.json (default: OCS's tests/config.json)")
    group.addoption('--ocs-sim-executable', default=None, help='ocs-sim command (default: $OCS_SIM, the wheel, PATH)')
    group.addoption('--ocs-router', choices=['sim', 'crossbar'], default='sim',
                    help='ocs_router is the simulator (default) or a real crossbar, to compare')
    group.addoption('--ocs-crossbar', default=None, help='crossbar executable for --ocs-router crossbar (default: PATH)')


class Site:
    """A site config directory: `file`, `host`, and `env` (OCS_CONFIG_DIR) for agents and OCSClient."""

    def __init__(self, directory, simulator, instances, host='localhost'):
        self.directory = str(directory)
        self.host = host
        self.file = write_site(self.directory, simulator, instances, host=host)
        self.env = {'OCS_CONFIG_DIR': self.directory}


@pytest.fixture(scope='session')
def ocs_sim_timings():
    return {}


@pytest.fixture(scope='session')
def ocs_router(pytestconfig, ocs_sim_timings):
    port = pytestconfig.getoption('ocs_sim_port')
    config = pytestconfig.getoption('ocs_sim_config')
    if pytestconfig.getoption('ocs_router') == 'crossbar':
        simulator = CrossbarRouter(port=port, config=config, executable=pytestconfig.getoption('ocs_crossbar'))
    else:
        simulator = Simulator(port=port, config=config, executable=pytestconfig.getoption('ocs_sim_executable'))
    simulator.start_process()
    ocs_sim_timings['router_start_s'] = simulator.started_in
    yield simulator
    simulator.stop_process()


@pytest.fixture(scope='session')
def ocs_site(ocs_router, tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('ocs-site'), ocs_router, DEFAULT_INSTANCES)
    previous = os.environ.get('OCS_CONFIG_DIR')
    os.environ['OCS_CONFIG_DIR'] = site.directory
    yield site
    if previous is None:
        os.environ.pop('OCS_CONFIG_DIR', None)
    else:
        os.environ['OCS_CONFIG_DIR'] = previous


@pytest.fixture()
def ocs_agent(ocs_router, ocs_site, ocs_sim_timings):
    """Factory: ocs_agent('fake_data', 'fake-data1', args=[...]) -> Process, once its address is registered."""
    started = []

    def start(module, instance_id, args=(), timeout=60.0):
        began = time.monotonic()
        process = start_agent(ocs_site, module, instance_id, args)
        started.append(process)
        try:
            ocs_router.wait_agent(instance_id, timeout)
        except Exception:
            raise RuntimeError(f'agent {instance_id} did not register:\n{process.output}') from None
        ocs_sim_timings.setdefault('agent_start_s', []).append(time.monotonic() - began)
        return process

    yield start
    for process in started:
        ocs_sim_timings.setdefault('agent_stop_s', []).append(process.stop())


@pytest.fixture(scope='session')
def ocs_registry(ocs_router, ocs_site, ocs_sim_timings):
    began = time.monotonic()
    process = start_registry(ocs_site)
    ocs_router.wait_agent('registry', 60)
    ocs_sim_timings['registry_start_s'] = time.monotonic() - began
    yield process
    process.stop()


@pytest.fixture()
def ocs_swarm(ocs_router):
    """Factory: ocs_swarm(agents=10, duration=5) -> (exit code, JSON record, output)."""
    def run(agents=10, duration=5, args=()):
        return run_swarm(ocs_router, agents, duration, args)
    return run
