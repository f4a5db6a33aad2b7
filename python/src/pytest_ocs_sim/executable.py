"""Where the ocs-sim executable comes from: OCS_SIM, the wheel, or PATH."""
import os
import shutil

BUNDLED = os.path.join(os.path.dirname(__file__), 'bin', 'ocs-sim')


def find_ocs_sim(explicit=None):
    """The command that runs the simulator, as a list (argv prefix).

    In order: `explicit` or $OCS_SIM (a path, or a command such as
    "node /path/bin/ocs-sim.ts"), the executable shipped in this wheel, then
    `ocs-sim` on PATH (e.g. from `npm install -g`).
    """
    chosen = explicit or os.environ.get('OCS_SIM')
    if chosen:
        return chosen.split()
    if os.access(BUNDLED, os.X_OK):
        return [BUNDLED]
    on_path = shutil.which('ocs-sim')
    if on_path:
        return [on_path]
    raise FileNotFoundError(
        'No ocs-sim executable: this pytest-ocs-sim wheel has none for this platform, '
        'OCS_SIM is not set and there is no ocs-sim on PATH.')
