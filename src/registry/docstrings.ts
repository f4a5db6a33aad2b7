// Docstrings shown by clients as help (get_api op_info.docstring). By OCS
// convention the first line is the call signature, and the text keeps
// Python's docstring indentation. `main`'s is the Python RegistryAgent's text
// exactly (ocs 0.12.1, ocs/agents/registry/agent.py), as clients see it.

export const MAIN_DOCSTRING = `main(test_mode=False)

        **Process** - Main run process for the Registry agent. This will loop
        and keep track of which agents have expired. It will keep track of
        current active agents in the session.data variable so it can be seen by
        clients.

        Parameters:
            test_mode (bool, optional): Run the main Process loop only once.
                This is meant only for testing. Default is False.

        Notes:
            The session data object for this process will be a dictionary containing
            the encoded RegisteredAgent objects for each agent observed during the
            lifetime of the Registry. For instance, this might look like::

                >>> response.session['data']
                {
                  "observatory.aggregator": {
                    "expired": False,
                    "time_expired": None,
                    "last_updated": 1669925713.4082503,
                    "op_codes": {
                      "record": 3
                    },
                    "agent_class": "AggregatorAgent",
                    "agent_address": "observatory.aggregator"
                  },
                  "observatory.fake-hk-agent-01": {
                    "expired": False,
                    "time_expired": None,
                    "last_updated": 1669925945.7575383,
                    "op_codes": {
                      "acq": 3,
                      "set_heartbeat": 1,
                      "delay_task": 1
                    },
                    "agent_class": "FakeDataAgent",
                    "agent_address": "observatory.fake-hk-agent-01"
                  }
                }

        `;
