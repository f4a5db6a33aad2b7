import time

import ocs
import pytest
from ocs.ocs_client import OCSClient

from conftest import eventually


def registry_table():
    return OCSClient('registry').main.status().session['data']


def test_fake_data_agents_answer_ocsclient_through_the_http_bridge(ocs_router, ocs_agent):
    ocs_agent('fake_data', 'fake-data1', ['--mode', 'idle'])
    client = OCSClient('fake-data1')
    reply = client.delay_task(delay=0.01)
    assert reply.status == ocs.OK
    reply = client.delay_task.wait(timeout=10)
    assert reply.session['success'] is True
    assert client.count.status().status == ocs.OK


def test_the_registry_lists_python_agents_with_their_op_codes(ocs_registry, ocs_agent):
    ocs_agent('fake_data', 'fake-data1', ['--mode', 'acq'])
    ocs_agent('fake_data', 'fake-data2', ['--mode', 'idle'])
    table = eventually(lambda: (t := registry_table()) and 'observatory.fake-data2' in t and 'observatory.fake-data1' in t and t,
                       'both agents in the registry')
    assert table['observatory.fake-data1']['expired'] is False
    eventually(lambda: registry_table()['observatory.fake-data1']['op_codes'].get('acq') == 3, 'acq running (op code 3)')


def test_agents_reregister_and_clients_work_after_a_router_restart(ocs_router, ocs_registry, ocs_agent):
    # A crossbar restart takes longer than an agent's default 10 s crossbar timeout here.
    ocs_agent('fake_data', 'fake-data1', ['--mode', 'idle', '--crossbar-timeout', '60'])
    client = OCSClient('fake-data1')
    assert client.count.status().status == ocs.OK
    ocs_router.restart(down=0.5)
    assert ocs_router.status()['serving'] is False, 'restart returns before the router serves again'
    ocs_router.wait_serving()
    eventually(lambda: OCSClient('fake-data1').count.status().status == ocs.OK, 'the agent answering again', 60)
    eventually(lambda: registry_table()['observatory.fake-data1']['expired'] is False, 'the registry tracking it again', 60)


def test_a_partitioned_agent_expires_in_the_registry_and_revives_when_healed(ocs_router, ocs_registry, ocs_agent):
    if not hasattr(ocs_router, 'control_url'):
        pytest.skip('partitions need the simulator')
    ocs_agent('fake_data', 'fake-data2', ['--mode', 'idle'])
    eventually(lambda: registry_table().get('observatory.fake-data2', {}).get('expired') is False, 'fake-data2 tracked')
    ocs_router.partition('fake-data2')
    eventually(lambda: registry_table()['observatory.fake-data2']['expired'] is True, 'fake-data2 expired', 30)
    ocs_router.heal('fake-data2')
    eventually(lambda: registry_table()['observatory.fake-data2']['expired'] is False, 'fake-data2 revived', 30)


def test_the_aggregator_records_a_fake_data_feed(ocs_agent, tmp_path):
    ocs_agent('fake_data', 'fake-data1', ['--mode', 'acq'])
    ocs_agent('aggregator', 'aggregator', ['--initial-state', 'idle', '--data-dir', str(tmp_path), '--time-per-file', '3'])
    client = OCSClient('aggregator')
    assert client.record.start(test_mode=True).status == ocs.OK
    reply = client.record.wait(timeout=30)
    assert reply.session['success'] is True, reply
    assert list(tmp_path.rglob('*.g3')), 'a .g3 file was written'


def test_a_swarm_of_fake_agents_against_the_registry(ocs_registry, ocs_swarm):
    # ocs-sim swarm drives any router, crossbar included.
    began = time.monotonic()
    code, record, output = ocs_swarm(agents=20, duration=5)
    assert code == 0, output
    assert record is not None
    assert time.monotonic() - began < 60
