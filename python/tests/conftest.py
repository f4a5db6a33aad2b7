"""pytest-ocs-sim's own suite: a real OCS network (Python agents, our registry,
OCSClient over the HTTP bridge) on the simulator, through the plugin's fixtures.
Run from this directory with the plugin installed: python -m pytest tests/
"""
import time


def eventually(probe, what, timeout=30.0, step=0.2):
    """Poll `probe` until it returns a truthy value; the last error is shown on timeout."""
    until = time.monotonic() + timeout
    last = None
    while time.monotonic() < until:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # the router may be restarting
            last = error
        time.sleep(step)
    raise AssertionError(f'timed out waiting for {what}: {last!r}')
