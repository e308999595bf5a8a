"""Where builds live and how readers open them.

``data/builds/<build-id>/`` holds one complete build (``store/`` for Oxigraph, ``graph.ttl``,
``graph.trig``, ``manifest.json``, the search index in ``search/`` and the theme classification in
``themes/``); ``data/current`` is a symlink to the build in service. :class:`BuildPaths` names every
one of these artefacts, so no other module spells a path inside a build.
A build is written under a ``.partial`` name and only becomes ``current`` through an atomic
symlink swap, so readers never see a half-written graph.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.config import data_dir, sparql_endpoint
from kg.errors import BuildIncompleteError, NoGraphError

PARTIAL_SUFFIX = ".partial"
KEEP_PREVIOUS_BUILDS = 1


def _file(name: str, doc: str | None = None) -> property:
    """A file of the folder an artefact's class names in ``folder``."""
    return property(lambda self: self.folder / name, doc=doc)


@dataclass(frozen=True)
class SearchIndexFiles:
    """The search index's files (``kg.search.units`` writes them, ``kg.search.ranking`` reads them)."""

    folder: Path
    units = _file("units.json")
    dense = _file("dense.npy")
    dense_ann = _file("dense.usearch", "the units' approximate index, above kg.search.vector_index's threshold")
    points = _file("points.json")
    points_dense = _file("points_dense.npy")
    points_dense_ann = _file("points_dense.usearch", "the points' approximate index, likewise")
    encoder = _file("index.json", "the key of the encoder that embedded the index")
    tokens = _file("tokens.npy", "the units' word-piece vectors, for late interaction (kg.search.late_interaction)")
    token_offsets = _file("token_offsets.npy", "where each unit's word pieces start in tokens.npy, and the end")
    token_frequencies = _file("token_frequencies.json", "how many units hold each word piece, to weigh a question's")


@dataclass(frozen=True)
class ThemeFiles:
    """The theme classification's files (``kg.analysis.themes`` writes the vectors, items and
    assignments, ``kg.analysis.coherence`` the coverage matrix)."""

    folder: Path
    vectors = _file("vectors.npy")
    items = _file("items.json")
    assignments = _file("assignments.json")
    coverage = _file("coverage.json")


@dataclass(frozen=True)
class BuildPaths:
    root: Path

    @property
    def folder(self) -> Path:
        """The build's folder (``root``), under the name the artefact properties read."""
        return self.root

    store = _file("store", "the Oxigraph store")
    turtle = _file("graph.ttl")
    trig = _file("graph.trig")
    manifest = _file("manifest.json")

    @property
    def search_index(self) -> SearchIndexFiles:
        return SearchIndexFiles(self.root / "search")

    @property
    def themes(self) -> ThemeFiles:
        return ThemeFiles(self.root / "themes")


def builds_dir() -> Path:
    return data_dir() / "builds"


def current_link() -> Path:
    return data_dir() / "current"


def current_build() -> BuildPaths | None:
    link = current_link()
    if not link.exists():
        return None
    return BuildPaths(link.resolve())


def require_current_build() -> BuildPaths:
    build = current_build()
    if build is None or not build.manifest.exists():
        raise NoGraphError(f"no graph has been built in {data_dir()}; run: python -m kg build")
    return build


def read_manifest(build: BuildPaths | None = None) -> dict:
    build = build or require_current_build()
    return json.loads(build.manifest.read_text(encoding="utf-8"))


def new_build_dir(build_id: str) -> BuildPaths:
    root = builds_dir() / f"{build_id}{PARTIAL_SUFFIX}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    return BuildPaths(root)


def missing_parts(build: BuildPaths) -> list[str]:
    """What a finished build lacks (an empty list for a complete one): its manifest, which must
    parse, the dumps, the store (unless the graph went to a remote endpoint), the search index and
    the theme outputs."""
    missing = []
    try:
        manifest = json.loads(build.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["manifest.json"]
    needed = [build.trig, build.turtle, build.search_index.encoder, build.search_index.dense,
              build.themes.coverage]
    if manifest.get("store", "embedded") == "embedded":
        needed.append(build.store)
    for path in needed:
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            missing.append(str(path.relative_to(build.root)))
    return missing


def is_complete(build: BuildPaths | None) -> bool:
    return build is not None and not missing_parts(build)


def publish(partial: BuildPaths) -> BuildPaths:
    """Make a finished build current: check it is complete, rename it, then swap the symlink
    atomically. An incomplete one is refused, and the build in service stays."""
    missing = missing_parts(partial)
    if missing:
        raise BuildIncompleteError(f"the new build in {partial.root} lacks {', '.join(missing)}; the graph in "
                                   f"service was kept. Run `python -m kg build` again")
    final = BuildPaths(partial.root.with_name(partial.root.name.removesuffix(PARTIAL_SUFFIX)))
    os.replace(partial.root, final.root)
    link, tmp_link = current_link(), data_dir() / "current.swap"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(final.root.relative_to(data_dir()), tmp_link)
    os.replace(tmp_link, link)
    prune_old_builds(keep=final.root)
    return final


def prune_old_builds(keep: Path) -> None:
    """Remove all builds but the one in service and the newest previous *complete* build, kept for
    rollback (an incomplete one is no fallback and goes too)."""
    root = builds_dir()
    if not root.exists():
        return
    finished = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL_SUFFIX) and p != keep),
        key=lambda p: p.name,
    )
    complete = [p for p in finished if is_complete(BuildPaths(p))]
    kept = set(complete[-KEEP_PREVIOUS_BUILDS:]) if KEEP_PREVIOUS_BUILDS else set()
    for old in finished:
        if old not in kept:
            shutil.rmtree(old, ignore_errors=True)


def remove_partial_builds() -> list[Path]:
    """Partial builds left by an interrupted run: safe to delete, nothing reads them."""
    root = builds_dir()
    removed = []
    if root.exists():
        for p in root.iterdir():
            if p.name.endswith(PARTIAL_SUFFIX):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


def open_store(build: BuildPaths | None = None):
    """The store queries read: the remote SPARQL endpoint when one is configured, otherwise the
    current (or given) build, loaded into memory once per process."""
    endpoint = sparql_endpoint()
    if endpoint is not None:
        from kg.store.remote import RemoteStore

        return RemoteStore(*endpoint)
    build = build or require_current_build()
    return memory_copy(str(build.root))


@lru_cache(maxsize=2)
def memory_copy(build_root: str) -> Store:
    """The build's graph in an in-memory store, read from its TriG dump (about 1 s). Queries run
    4–8 times faster than on the on-disk store (bench/sparql_bench.py). Readers only ever call
    ``query``, which cannot change a store, so the copy stays what the build wrote."""
    store = Store()
    store.bulk_load(path=str(BuildPaths(Path(build_root)).trig), format=RdfFormat.TRIG)
    return store


def write_store(build: BuildPaths, quads: list) -> str:
    """The build's load step: into the configured remote endpoint, or a new embedded store in the
    build folder. Returns where the data went (recorded in the manifest)."""
    endpoint = sparql_endpoint()
    if endpoint is not None:
        from kg.store.remote import RemoteStore

        RemoteStore(*endpoint).replace_graphs(quads)
        return endpoint[0]
    store = Store(str(build.store))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    del store
    return "embedded"
