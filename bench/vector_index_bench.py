"""Vector index benchmark at 100× the corpus: exact search against the approximate (HNSW) index of
kg.search.vector_index.

The vectors are the build's unit and point vectors (5,058 that have one), each copied 100 times
with noise shaped like the corpus (below) and normalised again (505,800 vectors of the model's 384
dimensions: embedding 100× the text is not needed to measure the index); the queries are the gold questions
(tests/gold/questions.jsonl), embedded as the app embeds them. Reports the approximate index's
build time (one thread, as builds make it), its size, the memory each index holds, recall@10
against exact search and the latency of one question (p50, p95) for both.

Prints a table and writes ``bench/results/vector_index.json``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from results_file import write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "vector_index.json"
COPIES = 100
# A copy is a real vector plus noise shaped like the corpus: a random mix of 64 real vectors' departures
# from the mean, scaled so a copy's cosine to its original is about 0.74 (new texts on the same
# subjects). Isotropic noise instead (every dimension alike) makes 100 near-duplicates of each
# vector whose order for a question is set by the noise alone, which no graph index can follow:
# recall@10 0.49 with noise 0.03 per dimension, against 0.995 for shaped noise (at 10×).
MIXED = 64
SEED = 0
TRIED = (64, 800, 1024)  # other candidate-list lengths when searching, beside EXPANSION_SEARCH


def corpus_vectors(copies: int) -> np.ndarray:
    from kg.store.builds import require_current_build

    files = require_current_build().search_index
    real = np.concatenate([np.load(files.dense), np.load(files.points_dense)])
    real = real[np.linalg.norm(real, axis=1) > 0]  # other-language units have no vector
    rng = np.random.default_rng(SEED)
    departures = real - real.mean(0)
    parts = [real] + [real + (rng.normal(0, 1, (len(real), MIXED)) @ departures[rng.integers(0, len(real), MIXED)]
                              / np.sqrt(MIXED)).astype(np.float32) for _ in range(copies - 1)]
    vectors = np.concatenate(parts)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def question_vectors() -> np.ndarray:
    from kg.evaluate import GOLD_DIR, read_jsonl
    from kg.search.question_embedding import embed_query
    from kg.search.ranking import current_index

    encoder = current_index().encoder
    return np.stack([embed_query(q["question"], encoder) for q in read_jsonl(GOLD_DIR / "questions.jsonl")])


def latencies_ms(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for query in queries:
        start = time.perf_counter()
        ids, _ = index.search(query, k)
        times.append((time.perf_counter() - start) * 1000)
        found.append(ids[0])
    return np.stack(found), sorted(times)


def p(times: list[float], share: float) -> float:
    return round(times[min(len(times) - 1, round(share * (len(times) - 1)))], 2)


def main() -> None:
    from threadpoolctl import threadpool_limits

    from kg.search.vector_index import CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH, ApproximateIndex, ExactIndex

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=COPIES)
    parser.add_argument("--connectivity", type=int, default=CONNECTIVITY, help="to try another graph")
    parser.add_argument("--expansion-add", type=int, default=EXPANSION_ADD)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")  # one core per question, as the app's search runs
    vectors = corpus_vectors(args.copies)
    queries = question_vectors()
    exact = ExactIndex(vectors)
    exact_ids, exact_times = latencies_ms(exact, queries, 10)
    start = time.perf_counter()
    approximate = ApproximateIndex.build(vectors, connectivity=args.connectivity, expansion_add=args.expansion_add)
    build_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "index.usearch"
        approximate.save(path)
        file_mb = path.stat().st_size / 1e6
        viewed = ApproximateIndex.load(path)  # memory-mapped, as search opens it
        ann_ids, ann_times = latencies_ms(viewed, queries, 10)
        tried = {}
        for expansion in TRIED:
            viewed.index.expansion_search = expansion
            tried[expansion] = latencies_ms(viewed, queries, 10)
        del viewed

    def recall(found: np.ndarray) -> float:
        return round(float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(found, exact_ids)])), 4)

    rows = [
        ("vectors", len(vectors), "", ""),
        ("questions", len(queries), "", ""),
        ("memory held, MB (vectors / index)", round(vectors.nbytes / 1e6, 1),
         round(approximate.index.memory_usage / 1e6, 1), ""),
        ("index file, MB (memory-mapped when searched)", "", round(file_mb, 1), ""),
        ("build, s (one thread)", 0, round(build_s, 1), ""),
        ("query p50, ms", p(exact_times, 0.5), p(ann_times, 0.5), ""),
        ("query p95, ms", p(exact_times, 0.95), p(ann_times, 0.95), ""),
        ("recall@10 against exact", 1.0, recall(ann_ids), ">= 0.98"),
    ] + [row for n, (ids, times) in tried.items() for row in (
        (f"searching with {n} candidates: recall@10", "", recall(ids), ""),
        (f"searching with {n} candidates: p50 / p95, ms", "", f"{p(times, 0.5)} / {p(times, 0.95)}", ""))]
    print(f"{'measure':46} {'exact':>10} {'approximate':>12} {'target':>8}")
    for name, a, b, target in rows:
        print(f"{name:46} {a!s:>10} {b!s:>12} {target:>8}")
    write_results(args.out, "vector_index", [{"measure": n, "exact": a, "approximate": b, "target": t or None}
                                            for n, a, b, t in rows],
                  copies=args.copies, mixed=MIXED, connectivity=args.connectivity, expansion_add=args.expansion_add,
                  expansion_search=EXPANSION_SEARCH)


if __name__ == "__main__":
    main()
