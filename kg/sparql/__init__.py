"""SPARQL for people: queries typed into the console, ``kg sparql`` or the endpoint, and what they get back.

- ``tokens`` and ``read_only``: the read-only check every typed query passes (updates and SERVICE refused);
- ``execution``: running a checked query, its answer as SPARQL JSON bindings (QueryResult);
- ``worker``: the child process that runs queries under a time limit, killed when one overruns;
- ``console``: check, then run with a time limit and a row cap (the app's console and ``kg sparql``);
- ``result_formats``: the W3C results formats and the terminal table;
- ``endpoint``: ``kg serve``, the read-only SPARQL 1.1 Protocol endpoint;
- ``dumps``: whole-graph exports and the dataset's VoID/DCAT description.
"""
