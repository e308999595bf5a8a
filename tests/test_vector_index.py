"""The search's vector index: exact below the threshold, approximate (HNSW) above it, on the real
build's vectors: the approximate index finds what exact search finds, gives the same answers on
every build, and search through it ranks the same provisions first."""

from __future__ import annotations

import numpy as np
import pytest

from kg.search.answering import search
from kg.search.ranking import SearchIndex
from kg.search.vector_index import (ANN_THRESHOLD, ApproximateIndex, ExactIndex, ann_threshold, build_vector_index,
                                    open_vector_index, write_vector_index)

# measured on the build's 5,200 unit and point vectors (740 of them, moved a little, as questions):
# 0.998; bench/vector_index_bench.py measures it at 100× the corpus
RECALL_FLOOR = 0.98


@pytest.fixture(scope="module")
def real_vectors(built_graph) -> np.ndarray:
    files = built_graph.search_index
    return np.concatenate([np.load(files.dense), np.load(files.points_dense)])


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact)]))


def test_approximate_search_recalls_what_exact_search_finds(real_vectors):
    queries = real_vectors[::7] + np.random.default_rng(0).normal(0, 0.02, real_vectors[::7].shape).astype(np.float32)
    exact_ids, exact_scores = ExactIndex(real_vectors).search(queries, 10)
    ann_ids, ann_scores = ApproximateIndex.build(real_vectors).search(queries, 10)
    assert recall_at_10(ann_ids, exact_ids) >= RECALL_FLOOR
    same = ann_ids == exact_ids
    assert np.allclose(ann_scores[same], exact_scores[same], atol=1e-5)  # cosines, as exact search gives them


def test_the_approximate_index_is_the_same_on_every_build(real_vectors, tmp_path):
    first, second = ApproximateIndex.build(real_vectors), ApproximateIndex.build(real_vectors)
    first.save(tmp_path / "a.usearch")
    second.save(tmp_path / "b.usearch")
    assert (tmp_path / "a.usearch").read_bytes() == (tmp_path / "b.usearch").read_bytes()
    loaded = ApproximateIndex.load(tmp_path / "a.usearch")
    assert np.array_equal(loaded.search(real_vectors[:50], 10)[0], first.search(real_vectors[:50], 10)[0])


def test_the_threshold_chooses_the_index(real_vectors, tmp_path, monkeypatch):
    monkeypatch.delenv("PCG_ANN_THRESHOLD", raising=False)
    assert ann_threshold() == ANN_THRESHOLD > len(real_vectors)
    assert isinstance(build_vector_index(real_vectors), ExactIndex)
    assert isinstance(build_vector_index(real_vectors, threshold=len(real_vectors) - 1), ApproximateIndex)
    vectors_file, ann_file = tmp_path / "v.npy", tmp_path / "v.usearch"
    write_vector_index(real_vectors, vectors_file, ann_file)
    assert not ann_file.exists() and isinstance(open_vector_index(vectors_file, ann_file)[1], ExactIndex)
    monkeypatch.setenv("PCG_ANN_THRESHOLD", str(len(real_vectors) - 1))
    write_vector_index(real_vectors, vectors_file, ann_file)
    assert ann_file.exists() and isinstance(open_vector_index(vectors_file, ann_file)[1], ApproximateIndex)
    monkeypatch.setenv("PCG_ANN_THRESHOLD", str(len(real_vectors)))
    write_vector_index(real_vectors, vectors_file, ann_file)  # back under it: the stale file goes
    assert not ann_file.exists()


@pytest.mark.parametrize("question, instruments", [
    ("Which companies have to publish a statement on slavery in their supply chains?", None),
    ("customer due diligence measures", None),
    ("victims compensation", ["eu-atd-2011"]),
])
def test_search_through_the_approximate_index_ranks_the_same_provisions(built_graph, monkeypatch, question,
                                                                          instruments):
    folder = built_graph.search_index.folder
    exact = SearchIndex(folder)
    monkeypatch.setenv("PCG_ANN_THRESHOLD", "0")  # the build wrote no approximate file: built on loading
    approximate = SearchIndex(folder)
    assert exact.unit_index.kind == "exact" and approximate.unit_index.kind == "approximate"
    hits = [[h.provision for h in search(question, k=5, instruments=instruments, index=index)[0]]
            for index in (exact, approximate)]
    assert hits[0] and hits[0] == hits[1]
