"""Protocol doc §10 items for a registry, through the real OCSClient.

  python registry_checklist.py <registry-instance-id>

Prints one JSON object: item name -> what the client got. The calls run in
order and leave main running again at the end.
"""
import json
import sys

from ocs.ocs_client import OCSClient


def triple(reply):
    return [reply.status, reply.msg, reply.session]


def main():
    instance = sys.argv[1]
    client = OCSClient(instance)
    raw = client._client
    out = {}
    out['get_api'] = raw.get_api()
    out['status'] = triple(client.main.status())
    out['stop'] = triple(client.main.stop())
    out['wait_after_stop'] = triple(client.main.wait(timeout=5))
    out['stop_again'] = triple(client.main.stop())
    out['start'] = triple(client.main.start())
    out['start_running'] = triple(client.main.start())
    out['abort_process'] = raw.request('abort', 'main', {})
    client.main.stop()
    client.main.wait(timeout=5)
    out['start_bad_type'] = triple(client.main.start(test_mode='yes'))
    out['start_stray'] = triple(client.main.start(foo=1))
    client.main.start()
    out['wait_timeout'] = triple(client.main.wait(timeout=0.5))
    out['status_unknown'] = raw.request('status', 'nope', {})
    out['wait_unknown'] = raw.request('wait', 'nope', {})
    client.register_agent.start(agent_address='observatory.x')
    out['register_agent'] = triple(client.register_agent.wait(timeout=5))
    out['get_tasks'] = [t[0] for t in raw.call(raw.agent_addr, 'get_tasks')]
    out['get_agent_class'] = raw.call(raw.agent_addr, 'get_agent_class')
    out['bogus'] = raw.call(raw.agent_addr, 'bogus')
    # Python's own text for main's docstring (what a client shows as help).
    from ocs.agents.registry.agent import Registry
    process = [p for p in out['get_api']['processes'] if p[0] == 'main'][0]
    out['main_docstring_is_python'] = process[2]['docstring'] == Registry.main.__doc__
    # Every timestamp a client sees is a float, as Python's are.
    out['non_float_timestamps'] = non_float_timestamps(client.main.status().session)
    print(json.dumps(out))


def non_float_timestamps(session):
    bad = []

    def check(path, value, nullable):
        if not (isinstance(value, float) or (nullable and value is None)):
            bad.append([path, repr(value)])

    check('start_time', session['start_time'], False)
    check('end_time', session['end_time'], True)
    for i, message in enumerate(session['messages']):
        check(f'messages[{i}][0]', message[0], False)
    for address, entry in (session['data'] or {}).items():
        check(f'data[{address}].last_updated', entry['last_updated'], False)
        check(f'data[{address}].time_expired', entry['time_expired'], True)
    return bad


if __name__ == '__main__':
    main()
