"""The simulator as a process: start it, wait until it answers, drive its faults.

A Simulator runs `ocs-sim router` with a crossbar config.json on a port
(18001 by default, as OCS's tests expect) and its control API on a free
port, and offers the fault hooks tests rely on (sim/endpoint/CONTROL.md):
restart (returns before the router serves again, as `docker restart`),
kill and start, pause and resume, drop and partition one agent.
"""
import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

from .executable import find_ocs_sim

DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), 'data', 'crossbar-config.json')
CONTROL_LINE = re.compile(r'control\s+(http://\S+)')


class SimulatorError(RuntimeError):
    """The simulator did not start, or a control request failed."""


class Simulator:
    def __init__(self, port=18001, config=None, host='127.0.0.1', executable=None, extra_args=()):
        self.port = port
        self.host = host
        self.config = config or DEFAULT_CONFIG
        self.command = find_ocs_sim(executable)
        self.extra_args = list(extra_args)
        self.process = None
        self.control_url = None
        self.output = []
        #: Seconds from spawning the process to the router answering /info.
        self.started_in = None

    @property
    def url(self):
        return f'http://{self.host}:{self.port}'

    @property
    def ws_url(self):
        return f'ws://{self.host}:{self.port}/ws'

    @property
    def call_url(self):
        return f'{self.url}/call'

    # -- process ----------------------------------------------------------

    def start_process(self, timeout=30.0):
        """Spawn `ocs-sim router` and wait until /info answers 200."""
        began = time.monotonic()
        argv = [*self.command, 'router', '--host', self.host, '--port', str(self.port),
                '--config', self.config, '--control-port', '0', *self.extra_args]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        found = threading.Event()

        def read():
            for line in self.process.stdout:
                self.output.append(line.rstrip('\n'))
                match = CONTROL_LINE.search(line)
                if match and not found.is_set():
                    self.control_url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(timeout) or self.control_url is None:
            self.stop_process()
            raise SimulatorError('ocs-sim did not start:\n' + '\n'.join(self.output))
        self.wait_serving(timeout - (time.monotonic() - began))
        self.started_in = time.monotonic() - began
        return self

    def stop_process(self, timeout=10.0):
        """SIGTERM (the router says GOODBYE to every session), then SIGKILL."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def wait_serving(self, timeout=30.0):
        """Poll /info until 200 (what ocs.testing.check_crossbar_connection checks)."""
        until = time.monotonic() + max(timeout, 0.1)
        while time.monotonic() < until:
            try:
                with urllib.request.urlopen(f'{self.url}/info', timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self.process is not None and self.process.poll() is not None:
                raise SimulatorError('ocs-sim exited:\n' + '\n'.join(self.output))
            time.sleep(0.02)
        raise SimulatorError(f'the simulator did not answer {self.url}/info within {timeout:.1f} s')

    # -- control API -------------------------------------------------------

    def _control(self, method, path, body=None):
        if self.control_url is None:
            raise SimulatorError('the simulator is not running')
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.control_url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise SimulatorError(f'{method} {path}: {error.code} {error.read().decode(errors="replace")}') from None

    def status(self):
        return self._control('GET', '/status')

    def restart(self, down=0.0, wait=False):
        """The router dies and comes back after `down` seconds, with nothing registered.

        Returns before it serves again (as `docker restart`), unless `wait`.
        """
        self._control('POST', '/restart', {'down_ms': round(down * 1000)})
        if wait:
            self.wait_serving(down + 30)

    def kill(self):
        """The router stays down (connections refused at once, /info 503) until start()."""
        self._control('POST', '/kill')

    def start(self, wait=True):
        self._control('POST', '/start')
        if wait:
            self.wait_serving()

    def pause(self):
        """Hold every session's traffic, both ways (docker pause); nothing is lost."""
        self._control('POST', '/pause')

    def resume(self):
        self._control('POST', '/resume')

    def drop(self, agent=None):
        """Drop the connections of an agent (instance id or address), or of everyone."""
        return self._control('POST', '/drop', {} if agent is None else {'agent': agent})['dropped']

    def partition(self, agent, duration=None):
        """Drop every message to and from an agent's sessions until heal() (or for `duration` s)."""
        body = {'agent': agent}
        if duration is not None:
            body['duration_ms'] = round(duration * 1000)
        return self._control('POST', '/partition', body)['partitioned']

    def heal(self, agent=None):
        self._control('POST', '/heal', {} if agent is None else {'agent': agent})

    def sessions(self):
        return self.status()['sessions']

    def registered(self, agent):
        """True when some session has registered the agent (instance id or address)."""
        return any(p == agent or p.endswith('.' + agent) for s in self.sessions() for p in s['procedures'])

    def wait_registered(self, agent, timeout=30.0):
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.registered(agent):
                return
            time.sleep(0.05)
        raise SimulatorError(f'agent {agent!r} did not register within {timeout} s')

    def wait_agent(self, instance_id, timeout=30.0):
        """Until the agent's operations are registered (its `<address>.ops`)."""
        self.wait_registered(f'{instance_id}.ops', timeout)

    def __enter__(self):
        return self.start_process()

    def __exit__(self, *exc):
        self.stop_process()
