// Docstrings shown by clients as help (get_api op_info.docstring). By OCS
// convention the first line is the call signature, and the text keeps
// Python's docstring indentation.

export const MAIN_DOCSTRING = `main(test_mode=False)

        **Process** - Track every agent on the network by its heartbeat:
        which are alive, which have expired, and the op codes of their
        operations. The table is kept in session.data for clients to read.

        Parameters:
            test_mode (bool, optional): Run the main loop only once, for
                testing. Default is False.

        Notes:
            session.data maps each agent address ever seen to its entry::

                >>> response.session['data']
                {'observatory.fake-data1':
                    {'expired': False,
                     'time_expired': None,
                     'last_updated': 1700000100.52,
                     'op_codes': {'acq': 3, 'count': 1},
                     'agent_class': 'FakeDataAgent',
                     'agent_address': 'observatory.fake-data1'}}

        `;
