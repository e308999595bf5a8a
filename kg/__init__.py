"""Policy Coherence Graph: build the RDF graph from ``ingest``'s output and query it.

The app and the CLI read only what this package exposes.
"""
