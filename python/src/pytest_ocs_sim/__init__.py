"""pytest-ocs-sim: the ocs-registry crossbar simulator for OCS integration tests.

Fixtures (see README): ocs_router, ocs_site, ocs_registry, ocs_swarm, ocs_sim_timings.
"""
from .executable import find_ocs_sim
from .simulator import Simulator, SimulatorError
from .site import write_site

__all__ = ['Simulator', 'SimulatorError', 'find_ocs_sim', 'write_site']
__version__ = '0.1.0'
