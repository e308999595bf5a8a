"""Ingest pipeline: law texts → provision trees (and, later, obligations).

Each stage reads the previous stage's output only: ``catalogue`` lists the sources with
their metadata, ``layouts`` parse a text into a :class:`~ingest.model.ParsedInstrument`.
"""

PIPELINE_VERSION = "0.1.0"
