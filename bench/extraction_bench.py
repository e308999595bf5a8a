"""Extraction benchmark: the whole English corpus, from a cold process, in sentences per second.

Prints a table and writes ``bench/results/extraction.json``. Target on 2 cores: the whole
English corpus extracted in under 20 s (model load included).
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "extraction.json"
TARGET_SECONDS = 20.0


def main() -> None:
    os.environ["PCG_DATA_DIR"] = tempfile.mkdtemp()  # an empty cache: everything is extracted
    os.environ["PCG_CACHE_DIR"] = os.path.join(os.environ["PCG_DATA_DIR"], "cache")
    from ingest.catalogue import list_instruments
    from kg.build.extraction import extract_all

    t0 = time.perf_counter()
    pairs = [(i, i.parse()) for i in list_instruments() if i.extract_obligations]
    parse_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    from ingest.obligations.extract import load_nlp

    load_nlp()
    load_seconds = time.perf_counter() - t1
    t2 = time.perf_counter()
    results = extract_all(pairs)
    extract_seconds = time.perf_counter() - t2
    total = time.perf_counter() - t0
    sentences = sum(stats.get("sentences", 0) for _, stats in results.values())
    parsed = sum(stats.get("parsed", 0) for _, stats in results.values())
    norms = sum(len(records) for records, _ in results.values())
    row = {
        "instruments": len(pairs), "sentences": sentences, "parsed_sentences": parsed, "records": norms,
        "parse_provisions_s": round(parse_seconds, 2), "load_model_s": round(load_seconds, 2),
        "extract_s": round(extract_seconds, 2), "total_s": round(total, 2),
        "sentences_per_s": round(sentences / extract_seconds, 1),
        "parsed_sentences_per_s": round(parsed / extract_seconds, 1),
        "target_s": TARGET_SECONDS, "meets_target": total < TARGET_SECONDS,
    }
    print(f"{'measure':28} value")
    for key, value in row.items():
        print(f"{key:28} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "obligation extraction", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "results": row,
    }, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
