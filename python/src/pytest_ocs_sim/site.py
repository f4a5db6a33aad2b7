"""Site config files for agents and clients on the simulated network."""
import os


def write_site(directory, simulator, instances=(), host='localhost', realm='test_realm', address_root='observatory'):
    """Write `directory`/default.yaml for the router; return its path.

    `instances` are dicts as in a site config: {'agent-class': ..., 'instance-id': ...,
    'arguments': [...]}. Point OCS_CONFIG_DIR at `directory` for OCSClient.
    """
    lines = [
        'hub:',
        f'  wamp_server: {simulator.ws_url}',
        f'  wamp_http: {simulator.call_url}',
        f'  wamp_realm: {realm}',
        f'  address_root: {address_root}',
        'hosts:',
        f'  {host}:',
        "    'agent-instances': [",
    ]
    for instance in instances:
        arguments = [str(a) for a in instance.get('arguments', [])]
        lines.append(f"      {{'agent-class': '{instance['agent-class']}', "
                     f"'instance-id': '{instance['instance-id']}', 'arguments': {arguments!r}}},")
    lines.append('    ]')
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, 'default.yaml')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path
