"""Ingest: law texts → provision trees → obligations, and the coordination data, with no graph.

The ground floor of the project: it imports nothing of ``kg``. Each stage reads the previous
stage's output only: ``catalogue`` lists the sources (``sources/``) with their metadata,
``layouts`` parse a text into a :class:`~ingest.model.ParsedInstrument` (``model``; paragraph
and point labels in ``labels``), ``obligations`` extracts who must do what from the provisions,
and ``cross_references`` resolves what one instrument cites of another. ``coordination`` loads the
cited membership and partnership rows (``coordination_data/``), ``jurisdictions`` names the codes,
``add`` brings a new text into the sources (``python -m kg add``) and ``errors`` holds ingest's
numbered errors (the catalogue of every code is ``kg/errors.py``).
"""

PIPELINE_VERSION = "0.1.0"
