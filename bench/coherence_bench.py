"""Coherence benchmark: classifying the whole corpus into themes (from cached embeddings, as a
rebuild does), the coverage-matrix query, nearest equivalents and the scorecard.

Prints a table and writes ``bench/results/coherence.json``. Targets on 2 cores: classification
under 30 s, matrix query under 200 ms.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from results_file import verdict, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "coherence.json"
RUNS = 7


def p50(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from kg.analysis import coherence, themes
    from kg.analysis.scorecard import scorecard
    from kg.build.theme_inputs import from_sources

    start = time.perf_counter()
    corpus_, obligations = from_sources()
    prepared = time.perf_counter() - start
    start = time.perf_counter()
    scores = themes.score(corpus_)
    provisions = themes.model_select(scores)
    themes.obligation_themes(obligations, provisions, scores)
    classified = time.perf_counter() - start

    def cold_matrix():
        coherence._coverage.cache_clear()
        coherence.matrix("instrument")
        coherence.matrix("jurisdiction")

    coherence.equivalents("palermo-protocol/art6/6")  # loads the vectors once
    rows = [
        {"case": "classify the corpus (parse, cached embeddings and extraction, then score)",
         "n": f"{len(corpus_.items)} provisions, {len(obligations)} obligations",
         "seconds": round(prepared + classified, 3), "target_seconds": 30.0},
        {"case": "  of which scoring and selection", "n": "", "seconds": round(classified, 3), "target_seconds": None},
        {"case": "matrix query (instrument and jurisdiction rows, file re-read), p50", "n": "2 matrices",
         "seconds": round(p50(cold_matrix), 4), "target_seconds": 0.2},
        {"case": "nearest equivalents of a provision, p50", "n": "k=3 per instrument",
         "seconds": round(p50(lambda: coherence.equivalents("eu-atd-2011/art17")), 4), "target_seconds": None},
        {"case": "scorecard of a jurisdiction (GB), p50", "n": "4 recommendations",
         "seconds": round(p50(lambda: scorecard("GB"), runs=3), 4), "target_seconds": None},
    ]
    print(f"{'case':75} {'seconds':>8} {'target':>7}  ok")
    for r in rows:
        target = "" if r["target_seconds"] is None else f"{r['target_seconds']:.1f}"
        ok = verdict(r["seconds"], r["target_seconds"])
        print(f"{r['case']:75} {r['seconds']:>8.3f} {target:>7}  {ok}")
    write_results(RESULTS, "coherence", rows)


if __name__ == "__main__":
    main()
