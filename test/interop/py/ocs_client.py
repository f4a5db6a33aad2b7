"""Calls through the real Python OCSClient, for the interop tests.

  python ocs_client.py <instance-id> <op> <method> [json-params]
  python ocs_client.py <instance-id> get_api

Prints the reply as JSON: [status, message, session] for an op method,
the dict for get_api. Reads the site config from OCS_CONFIG_DIR.
"""
import json
import sys

from ocs.ocs_client import OCSClient


def main():
    instance_id, op = sys.argv[1], sys.argv[2]
    client = OCSClient(instance_id)
    if op == 'get_api':
        print(json.dumps(client._client.get_api()))
        return
    method = sys.argv[3]
    params = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    reply = getattr(getattr(client, op), method)(**params)
    print(json.dumps([reply.status, reply.msg, reply.session]))


if __name__ == '__main__':
    main()
