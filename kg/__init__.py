"""Policy Coherence Graph: build the RDF graph from ``ingest``'s output, and read, search, query
and analyse it. Sub-packages by concern, each importing only those below it: ``rdf``, ``store``,
``sparql`` and ``search``, ``analysis``, ``build``; the command line (``cli``) on top. The app
(``ui/``) reads only through this package.
"""
