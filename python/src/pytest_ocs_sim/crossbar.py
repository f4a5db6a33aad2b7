"""A real crossbar in place of the simulator (`--ocs-router crossbar`), to run
the same suite against both and compare. Fault hooks that a crossbar process
can do (restart, kill, start); the others raise NotImplementedError.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from .simulator import DEFAULT_CONFIG, SimulatorError


class CrossbarRouter:
    def __init__(self, port=18001, config=None, host='127.0.0.1', executable=None, address_root='observatory'):
        self.port = port
        self.host = host
        self.executable = executable or shutil.which('crossbar')
        if not self.executable:
            raise FileNotFoundError('no crossbar executable (--ocs-crossbar, or crossbar on PATH)')
        self.address_root = address_root
        self.directory = tempfile.mkdtemp(prefix='ocs-crossbar-')
        with open(config or DEFAULT_CONFIG) as f:
            configuration = json.load(f)
        worker = configuration['workers'][0]
        worker['options'] = {}
        worker['transports'][0]['endpoint'] = {'type': 'tcp', 'port': port, 'interface': host}
        os.makedirs(os.path.join(self.directory, '.crossbar'))
        with open(os.path.join(self.directory, '.crossbar', 'config.json'), 'w') as f:
            json.dump(configuration, f)
        self.process = None
        self.started_in = None

    url = property(lambda self: f'http://{self.host}:{self.port}')
    ws_url = property(lambda self: f'ws://{self.host}:{self.port}/ws')
    call_url = property(lambda self: f'{self.url}/call')

    def _spawn(self):
        self.process = subprocess.Popen([self.executable, 'start', '--cbdir', os.path.join(self.directory, '.crossbar')],
                                        cwd=self.directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start_process(self, timeout=60.0):
        began = time.monotonic()
        self._spawn()
        self.wait_serving(timeout)
        self.started_in = time.monotonic() - began
        return self

    def stop_process(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def serving(self):
        try:
            with urllib.request.urlopen(f'{self.url}/info', timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def wait_serving(self, timeout=60.0):
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.serving():
                return
            time.sleep(0.05)
        raise SimulatorError(f'crossbar did not answer {self.url}/info within {timeout} s')

    def status(self):
        return {'serving': self.serving()}

    def restart(self, down=0.0, wait=False):
        """Stop the process and start it again: returns before it serves, as `docker restart`."""
        self.stop_process()
        time.sleep(down)
        self._spawn()
        if wait:
            self.wait_serving()

    def kill(self):
        self.stop_process()

    def start(self, wait=True):
        self._spawn()
        if wait:
            self.wait_serving()

    def wait_agent(self, instance_id, timeout=30.0):
        """Until the agent answers get_api through the HTTP bridge."""
        body = json.dumps({'procedure': f'{self.address_root}.{instance_id}', 'args': ['get_api']}).encode()
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            try:
                with urllib.request.urlopen(urllib.request.Request(self.call_url, data=body, headers={'Content-Type': 'application/json'}), timeout=5) as response:
                    if 'error' not in json.loads(response.read()):
                        return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.1)
        raise SimulatorError(f'agent {instance_id!r} did not register within {timeout} s')

    def _unsupported(self, *_, **__):
        raise NotImplementedError('this fault hook needs the simulator')

    pause = resume = drop = partition = heal = sessions = _unsupported
