"""The graph's vocabulary and its writers, the lowest floor of kg above the infrastructure.

- ``terms``: namespaces, instance IRIs and typed literals;
- ``vocab``: the SKOS vocabularies of the ontology, and the codes ingest assigns, as Python lookups;
- ``provisions``, ``obligations``, ``references``, ``coordination``, ``themes``: the quad writers,
  one per kind of thing the build puts in the graph (each is handed its data; none reads a store);
- ``organisations``: one organisation under its several names (shared with the gap analysis);
- ``shapes``: SHACL validation of what the writers wrote.
"""
