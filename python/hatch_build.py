"""A wheel that carries the compiled ocs-sim executable is a platform wheel.

`npm run wheel` compiles the simulator with `bun build --compile` into
src/pytest_ocs_sim/bin/ocs-sim and sets OCS_SIM_WHEEL_TAG (default below: the
executable needs glibc 2.17 on x86_64). Without the executable the wheel is
pure Python and the plugin looks for `ocs-sim` on PATH.
"""
import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BINARY = os.path.join('src', 'pytest_ocs_sim', 'bin', 'ocs-sim')


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != 'wheel' or not os.path.exists(os.path.join(self.root, BINARY)):
            return
        build_data['pure_python'] = False
        build_data['tag'] = os.environ.get('OCS_SIM_WHEEL_TAG', 'py3-none-manylinux_2_17_x86_64')
