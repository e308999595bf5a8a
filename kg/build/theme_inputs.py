"""What the build gives the theme classifier, computed straight from the sources (parsed texts,
cached extraction, cached embeddings) for the evaluation and the benchmarks that need it without a
build. The classifier (kg.analysis.themes) classifies what it is handed and reads no sources."""

from __future__ import annotations

from pathlib import Path

from ingest.catalogue import SOURCES_DIR, list_instruments
from kg.analysis.themes import Corpus, corpus
from kg.build.extraction import extract_all
from kg.search.units import index_units


def from_sources(sources_dir: Path | None = None) -> tuple[Corpus, list[dict]]:
    """The corpus and obligations the build would classify, from the sources."""
    parsed_all = [(i, i.parse()) for i in list_instruments(sources_dir or SOURCES_DIR)]
    units = index_units(parsed_all)
    obligations = [o for records, _ in extract_all(parsed_all).values() for o in records]
    return corpus(parsed_all, units, obligations), obligations
