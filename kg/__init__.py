"""Policy Coherence Graph: build the RDF graph from ``ingest``'s output, and read, search, query
and analyse it. In layers, each importing only its own and those below it (``tests/test_architecture.py``
holds them): the infrastructure modules (``config``, ``errors``, ``caching``, ``processes``, ``ports``,
``user_files``, ``spreadsheet``) at the bottom; then the sub-packages by concern ``rdf``, ``store``,
``sparql`` and ``search`` (independent of each other), ``analysis``, ``build``; then the evaluation
(``evaluate``), what the app loads at start (``warm_up``), the app in a process of its own
(``app_server``) and asking the graph with the JSON API ``kg serve`` mounts (``api``); the command
line (``cli``, ``python -m kg``) on top. Package data: the SPARQL library (``queries/``), the theme
classifier's examples and labels (``themes_data/``) and the questions the search encoder is adapted on
(``search_data/``). The app (``ui/``) reads only through this package.
"""
