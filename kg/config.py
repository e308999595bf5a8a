"""Paths and names, overridable by environment variables so one code base serves many set-ups.

- ``PCG_DATA_DIR``: where builds live (default ``<repo>/data``).
- ``PCG_CACHE_DIR``: where extraction and embedding caches live (default ``<data>/cache``).
- ``PCG_BASE_IRI``: namespace instance IRIs are minted under
  (default ``https://w3id.org/policy-coherence-graph/``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = REPO_ROOT / "ontology"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"
DEFAULT_BASE_IRI = "https://w3id.org/policy-coherence-graph/"
ONTOLOGY_NS = "https://w3id.org/policy-coherence-graph/ontology#"


def data_dir() -> Path:
    return Path(os.environ.get("PCG_DATA_DIR", REPO_ROOT / "data"))


def cache_dir() -> Path:
    """Caches of extracted obligations and embeddings (``PCG_CACHE_DIR``, default ``<data>/cache``);
    shared safely between data folders because every entry is keyed by what it was computed from."""
    return Path(os.environ.get("PCG_CACHE_DIR", data_dir() / "cache"))


def imports_dir() -> Path:
    """Membership lists imported by users (``kg import-bodies``): each becomes its own named graph."""
    return data_dir() / "imports"


def base_iri() -> str:
    base = os.environ.get("PCG_BASE_IRI", DEFAULT_BASE_IRI)
    return base if base.endswith(("/", "#")) else base + "/"
