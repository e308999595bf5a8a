"""Paths and names, overridable by environment variables so one code base serves many set-ups.

- ``PCG_DATA_DIR``: where builds live (default ``<repo>/data``).
- ``PCG_SOURCES_DIR``: the law texts a build reads when none is named (default ``ingest/sources``).
- ``PCG_CACHE_DIR``: where extraction and embedding caches live (default ``<data>/cache``).
- ``PCG_BASE_IRI``: namespace instance IRIs are minted under
  (default ``https://w3id.org/policy-coherence-graph/``).
- ``PCG_SPARQL_QUERY_URL`` / ``PCG_SPARQL_UPDATE_URL``: a SPARQL 1.1 endpoint that the build loads
  into and every query reads from, instead of the embedded store (the update URL defaults to the
  query URL with ``/query`` replaced by ``/update``, as on an Oxigraph server).
- ``PCG_SPARQL_USER`` / ``PCG_SPARQL_PASSWORD``: credentials for that endpoint (HTTP Basic or
  Digest, as the server asks; without them a netrc entry for its host is used, kg.store.remote_auth).
- ``PCG_SPARQL_DATASET``: ``auto`` (default: ``endpoint`` when a probe finds the endpoint's
  default graph to be the union of the project's graphs, else ``listed``), ``listed`` (each query
  lists the project's graphs) or ``endpoint`` (queries read the endpoint's own default graph:
  faster with many graphs, kg.store.remote).
- ``PCG_SPARQL_INSERT_CHUNK``: triples per ``INSERT DATA`` request when loading it (default 2,000;
  halved whenever the endpoint refuses a request, kg.store.remote).
- ``PCG_ENCODER_REUSE_SHARE``: the largest share of a corpus's training pairs an adapted search
  encoder may not have seen and still be reused (default 0.25, kg.search.adaptation).
- ``PCG_ANN_THRESHOLD``: above this many vectors the search index is approximate (HNSW) instead of
  exact (default 50,000; read by kg.search.vector_index).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = REPO_ROOT / "ontology"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"
THEMES_DATA_DIR = Path(__file__).resolve().parent / "themes_data"  # the theme classifier's examples and labels
SEARCH_DATA_DIR = Path(__file__).resolve().parent / "search_data"  # questions the search encoder is adapted on
DEFAULT_BASE_IRI = "https://w3id.org/policy-coherence-graph/"
ONTOLOGY_NS = "https://w3id.org/policy-coherence-graph/ontology#"


def sources_dir() -> Path:
    """The law texts a build reads when none is named (``PCG_SOURCES_DIR``, default ``ingest/sources``):
    a data folder built from another corpus is rebuilt from it (after an import, say)."""
    from ingest.catalogue import SOURCES_DIR

    return Path(os.environ.get("PCG_SOURCES_DIR", SOURCES_DIR))


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


def sparql_endpoint() -> tuple[str, str | None] | None:
    """(query URL, update URL) of the remote store, or None for the embedded store (the default)."""
    query_url = os.environ.get("PCG_SPARQL_QUERY_URL", "").strip()
    if not query_url:
        return None
    update_url = os.environ.get("PCG_SPARQL_UPDATE_URL", "").strip()
    if not update_url and query_url.rstrip("/").endswith("/query"):
        update_url = query_url.rstrip("/")[: -len("query")] + "update"
    return query_url, update_url or None


def sparql_credentials() -> tuple[str, str] | None:
    """(user, password) for the remote store from ``PCG_SPARQL_USER`` / ``PCG_SPARQL_PASSWORD``, or
    None (then a netrc entry may give them)."""
    user = os.environ.get("PCG_SPARQL_USER", "")
    if not user:
        return None
    return user, os.environ.get("PCG_SPARQL_PASSWORD", "")


def encoder_reuse_share() -> str:
    """``PCG_ENCODER_REUSE_SHARE`` as written (kg.search.adaptation reads it as a share, 0 to 1)."""
    return os.environ.get("PCG_ENCODER_REUSE_SHARE", "").strip()


def sparql_dataset() -> str:
    """``PCG_SPARQL_DATASET`` as written (kg.store.remote checks it): ``auto``, ``listed`` or ``endpoint``."""
    return os.environ.get("PCG_SPARQL_DATASET", "").strip().lower()


def sparql_insert_chunk() -> str:
    """``PCG_SPARQL_INSERT_CHUNK`` as written (kg.store.remote reads it as a number of triples)."""
    return os.environ.get("PCG_SPARQL_INSERT_CHUNK", "").strip()
