"""SPARQL benchmark: each library query, p50/p95 of repeated runs, on the embedded store and via a
started read-only endpoint (``kg serve``: the read-only check and the query workers, JSON results over HTTP).

Prints a table and writes ``bench/results/sparql.json``. Target on 2 cores: p50 under 50 ms per
library query on the embedded store.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from results_file import verdict, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "sparql.json"
RUNS = 15
TARGET_MS = 50.0


def timings(store, text: str, runs: int = RUNS) -> tuple[list[float], int]:
    from kg.store.queries import select

    rows = len(select(store, text))  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        select(store, text)
        out.append((time.perf_counter() - start) * 1000)
    return out, rows


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    from kg.store import builds as stores
    from kg.store.remote import RemoteStore
    from kg.sparql.endpoint import start_endpoint
    from kg.store.queries import library, runnable_library_query

    embedded = stores.open_store(stores.require_current_build())
    texts = {query["name"]: runnable_library_query(query["name"]) for query in library()}
    # the embedded store first, with no server running in this process or beside it
    local = {name: timings(embedded, text) for name, text in texts.items()}
    process, url = start_endpoint()
    remote = RemoteStore(url)
    try:
        http = {name: timings(remote, text)[0] for name, text in texts.items()}
    finally:
        process.terminate()
        process.wait(timeout=10)
    rows = [{"query": name, "rows": local[name][1],
             "embedded_p50_ms": round(statistics.median(local[name][0]), 1),
             "embedded_p95_ms": round(p95(local[name][0]), 1),
             "endpoint_p50_ms": round(statistics.median(http[name]), 1), "endpoint_p95_ms": round(p95(http[name]), 1),
             "target_ms": TARGET_MS} for name in texts]
    print(f"{'query':36} {'rows':>6} {'emb p50':>8} {'emb p95':>8} {'http p50':>9} {'http p95':>9}  <{TARGET_MS:.0f} ms")
    for r in rows:
        ok = verdict(r["embedded_p50_ms"], TARGET_MS)
        print(f"{r['query']:36} {r['rows']:>6} {r['embedded_p50_ms']:>8.1f} {r['embedded_p95_ms']:>8.1f} "
              f"{r['endpoint_p50_ms']:>9.1f} {r['endpoint_p95_ms']:>9.1f}  {ok}")
    write_results(RESULTS, "SPARQL library queries", rows, runs=RUNS)


if __name__ == "__main__":
    main()
