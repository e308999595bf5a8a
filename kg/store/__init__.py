"""The data folder and the graph in it: what every reader stands on.

- ``builds``: builds on disk (``data/builds/<id>/``), the ``current`` link, publishing, opening a store;
- ``locks``: one build (or import) at a time per data folder;
- ``queries``: the query library (``kg/queries/*.rq``) and running SPARQL with bound values;
- ``bound_values``: values written into a query's text as a VALUES block;
- ``remote``: a SPARQL 1.1 endpoint standing in for the embedded store;
- ``oxigraph_server``: a writable Oxigraph server, the remote-store tests' stand-in for a user's store;
- ``read``: the read-side API the app and the CLI show (instruments, provisions, obligations, references,
  the coordination data's memberships and partnerships row by row).
"""
