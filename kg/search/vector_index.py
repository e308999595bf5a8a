"""Nearest vectors to a question among the index's unit (or point) vectors, behind one small
interface: :class:`ExactIndex`, every vector scored in memory (today's corpus: 2,600 units), and
:class:`ApproximateIndex`, a graph of the vectors (HNSW, from the ``usearch`` package) searched in
logarithmic time and read memory-mapped from its file, used once a build has more than
:data:`ANN_THRESHOLD` vectors (``PCG_ANN_THRESHOLD`` overrides it).

Vectors are normalised, so a score is a cosine (an inner product). Both indexes answer
``search(queries, k) -> (ids, scores)``, best first, ``-1`` ids (and ``-inf`` scores) filling a row
when fewer than ``k`` vectors exist. The approximate index is built on one thread, so the same
vectors give the same file and the same answers (tests/test_vector_index.py compares two builds'
bytes; inserting on several threads would make the graph depend on the threads' interleaving).
bench/vector_index_bench.py measures both at 100× today's corpus.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

# Above this many vectors a build writes, and search reads, the approximate index: ten times today's
# corpus. Exact search holds 77 MB per 50,000 vectors and scores them all for each question
# (bench/vector_index_bench.py, one core: 1.5 ms over 15,000 vectors, 138 ms over 505,800).
ANN_THRESHOLD = 50_000
# The HNSW graph: links per vector, and the candidate lists when inserting and searching. Measured
# at 100× the corpus (bench/vector_index_bench.py, 505,800 vectors): recall@10 against exact search
# 0.918 with usearch's 16 links and a search list of 256; with 32 links, 0.967 at 256 and 0.989 at
# 800 (7 ms a question, against 138 ms for exact search); 24 links, 0.980 at 800. On the build's own
# vectors: 0.998 (tests/test_vector_index.py).
CONNECTIVITY = 32
EXPANSION_ADD = 128
EXPANSION_SEARCH = 800


def ann_threshold() -> int:
    """:data:`ANN_THRESHOLD`, or ``PCG_ANN_THRESHOLD`` when set."""
    value = os.environ.get("PCG_ANN_THRESHOLD")
    return int(value) if value else ANN_THRESHOLD


class VectorIndex(Protocol):
    kind: str

    def __len__(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row of ``queries`` (or one vector), the ids of its ``k`` nearest vectors and
        their cosines, best first: two ``(len(queries), k)`` arrays."""
        ...

    def save(self, path: Path) -> None: ...


class ExactIndex:
    """Every vector scored: a matrix product and a partial sort."""

    kind = "exact"

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """The cosine of ``query`` to every vector."""
        return self.vectors @ query

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.atleast_2d(queries)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        if not len(self.vectors):
            return ids, scores
        products = queries @ self.vectors.T
        found = min(k, len(self.vectors))
        top = np.argpartition(-products, found - 1, axis=1)[:, :found]
        top_scores = np.take_along_axis(products, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        ids[:, :found] = np.take_along_axis(top, order, axis=1)
        scores[:, :found] = np.take_along_axis(top_scores, order, axis=1)
        return ids, scores

    def save(self, path: Path) -> None:
        np.save(path, self.vectors)


class ApproximateIndex:
    """An HNSW graph over the vectors (``usearch``), searched approximately."""

    kind = "approximate"

    def __init__(self, index):
        self.index = index
        self.index.expansion_search = EXPANSION_SEARCH

    @classmethod
    def build(cls, vectors: np.ndarray, progress: bool = False, connectivity: int = CONNECTIVITY,
              expansion_add: int = EXPANSION_ADD) -> ApproximateIndex:
        from usearch.index import Index

        index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32", connectivity=connectivity,
                      expansion_add=expansion_add, expansion_search=EXPANSION_SEARCH)
        if len(vectors):
            index.add(np.arange(len(vectors), dtype=np.uint64), np.ascontiguousarray(vectors, dtype=np.float32),
                      threads=1, log=progress)  # one thread: the same graph every time
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> ApproximateIndex:
        """The index saved at ``path``, memory-mapped: pages are read as searches visit them."""
        from usearch.index import Index

        return cls(Index.restore(str(path), view=True))

    def __len__(self) -> int:
        return len(self.index)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        if not len(self.index):
            return ids, scores
        matches = self.index.search(queries, k, threads=1)  # one query: Matches; several: BatchMatches
        keys, distances = np.atleast_2d(matches.keys), np.atleast_2d(matches.distances)
        counts = np.atleast_1d(getattr(matches, "counts", len(matches.keys)))
        for row in range(len(queries)):
            count = int(counts[row])
            ids[row, :count] = keys[row, :count]
            scores[row, :count] = 1.0 - distances[row, :count]  # usearch's "ip" distance is 1 - product
        return ids, scores

    def save(self, path: Path) -> None:
        self.index.save(str(path))


def build_vector_index(vectors: np.ndarray, threshold: int | None = None) -> VectorIndex:
    """The index for ``vectors``: exact up to the threshold (:func:`ann_threshold`), approximate above."""
    threshold = ann_threshold() if threshold is None else threshold
    return ApproximateIndex.build(vectors) if len(vectors) > threshold else ExactIndex(vectors)


def write_vector_index(vectors: np.ndarray, vectors_file: Path, ann_file: Path) -> None:
    """The vectors (always: approximate hits are re-scored exactly from them), and above the
    threshold the approximate index beside them; a stale approximate file is removed."""
    np.save(vectors_file, vectors)
    index = build_vector_index(vectors)
    if isinstance(index, ApproximateIndex):
        index.save(ann_file)
    elif ann_file.exists():
        ann_file.unlink()


def open_vector_index(vectors_file: Path, ann_file: Path) -> tuple[np.ndarray, VectorIndex]:
    """The vectors and their index, as :func:`write_vector_index` left them. Below the threshold
    the vectors are read into memory and searched exactly; above it they are memory-mapped (read
    only for the hits being re-scored) and searched through the approximate index, built here if
    the build did not write one (a threshold lowered since)."""
    vectors = np.load(vectors_file, mmap_mode="r")
    if len(vectors) <= ann_threshold():
        vectors = np.load(vectors_file)
        return vectors, ExactIndex(vectors)
    if ann_file.exists():
        return vectors, ApproximateIndex.load(ann_file)
    return vectors, ApproximateIndex.build(np.asarray(vectors))
