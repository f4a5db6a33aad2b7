"""OCS agents and the TypeScript registry as processes on the simulated network."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .executable import find_ocs_sim


class Process:
    """A child process whose output is kept; stop() interrupts, then kills."""

    def __init__(self, argv, env=None, cwd=None):
        self.argv = argv
        self.lines = []
        self.popen = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line.rstrip('\n'))

    @property
    def running(self):
        return self.popen.poll() is None

    @property
    def output(self):
        return '\n'.join(self.lines)

    def stop(self, timeout=10.0):
        """SIGINT (agents shut down cleanly), SIGKILL after `timeout`; returns seconds taken."""
        began = time.monotonic()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return time.monotonic() - began


def start_agent(site, module, instance_id, args=(), python=None):
    """A Python OCS agent: `python -m ocs.agents.<module>.agent` for an instance of the site config."""
    argv = [python or sys.executable, '-u', '-m', f'ocs.agents.{module}.agent', '--site-file', site.file,
            '--site-host', site.host, '--instance-id', instance_id, *map(str, args)]
    return Process(argv, env={**os.environ, **site.env})


def start_registry(site, instance_id='registry', args=(), executable=None):
    """The TypeScript OCS Registry Agent (`ocs-sim registry`), with its HTTP API on a free port."""
    argv = [*find_ocs_sim(executable), 'registry', '--site-file', site.file, '--site-host', site.host,
            '--instance-id', instance_id, '--crossbar-timeout', '0', '--http-port', '0', *map(str, args)]
    return Process(argv, env={**os.environ, **site.env})


def run_swarm(simulator, agents=10, duration=5, args=(), executable=None, timeout=120):
    """`ocs-sim swarm` against the router: N fake agents for `duration` s; returns (exit code, JSON record)."""
    with tempfile.TemporaryDirectory() as tmp:
        record = os.path.join(tmp, 'swarm.json')
        argv = [*find_ocs_sim(executable), 'swarm', '--url', simulator.ws_url, '--agents', str(agents),
                '--duration', str(duration), '--quiet', '--json', record, *map(str, args)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        result = None
        if os.path.exists(record):
            with open(record) as f:
                result = json.load(f)
        return done.returncode, result, done.stdout + done.stderr
