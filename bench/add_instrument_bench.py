"""Adding an instrument: what `kg add` and the next `kg build` cost when a user adds the CSDDD to a
graph built without it, beside a full re-adaptation of the same sources.

In a scratch folder (its own data and an empty cache, so the project's ``data/`` is never touched
and nothing of the CSDDD is cached), with a copy of ``ingest/sources`` without ``eu-csddd-2024``:

1. ``kg build``: the user's graph before the addition, from cold (it adapts the search encoder to
   that corpus; reported for reference);
2. ``kg add <the CSDDD's text.txt> --id eu-csddd-2024 …``;
3. ``kg build``: the addition (kg.search.adaptation's policy reuses the encoder, so only the CSDDD's texts
   are embedded);
4. ``kg build --force --readapt``: the same sources with the encoder adapted to them anew, which is
   what every change to the corpus cost before the policy.

Each step is a child process. For each build: wall seconds, the manifest's seconds per stage, texts
embedded and read from the cache (search, themes), the encoder's status and its unseen share, and
hybrid hit@5 on the gold questions, on all of them and on those about the CSDDD: what reading the
CSDDD with an encoder that never saw it costs, beside the encoder adapted to it. Prints a table and
writes ``bench/results/add_instrument.json``. About 25 minutes on 2 cores, most of it the two
adaptations, each with its reranking encoder (kg.search.late_interaction).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "add_instrument.json"
ADDED = "eu-csddd-2024"
TARGET_SECONDS = {"kg build after kg add": 60.0}  # the issue: the new text's own costs, not minutes


def added_text() -> Path:
    for folder in (REPO / "ingest" / "sources" / ADDED, Path("/work/shared/corpus") / ADDED):
        if (folder / "text.txt").exists():
            return folder / "text.txt"
    raise SystemExit(f"no text of {ADDED} found")


def run(env: dict, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def hybrid_hit_at_5(report: dict) -> dict:
    """Hybrid hit@5 on the gold questions (the dev and test parts together), on those about the
    added instrument and on the first batch."""
    def pooled(pick) -> float | None:
        rows = [pick(report[which]["hybrid"]) for which in ("dev", "test")]
        rows = [row for row in rows if row]
        n = sum(row["questions"] for row in rows)
        return round(sum(row["hit@5"] * row["questions"] for row in rows) / n, 3) if n else None

    found = {"all": pooled(lambda table: table),
             "added": pooled(lambda table: table["groups"].get(f"instrument: {ADDED}")),
             "first batch": pooled(lambda table: table["groups"].get("batch: original"))}
    return {name: value for name, value in found.items() if value is not None}


def build_row(case: str, env: dict, data: Path, *args: str) -> dict:
    seconds, stdout = run(env, "build", "--quiet", *args)
    manifest = json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))
    _, table = run(env, "eval", "search", "--json")
    adaptation = manifest["search"]["adaptation"]
    return {"case": case, "seconds": round(seconds, 1), "stages": manifest["stages"],
            "embedded": {k: {"embedded": v["embedded"], "cached": v["cached"]} for k, v in manifest["embedded"].items()},
            "encoder": manifest["search"]["encoder"], "encoder_status": adaptation["status"],
            "training_pairs": adaptation["pairs"], "unseen_pairs": adaptation["unseen"],
            "unseen_share": adaptation["unseen_share"], "hybrid_hit@5": hybrid_hit_at_5(json.loads(table)),
            "summary": [line for line in stdout.splitlines() if line.startswith(("Search encoder", "Embedded"))]}


def main() -> None:
    text = added_text()
    meta_path = text.parent / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    scratch = Path(tempfile.mkdtemp(prefix="pcg-add-bench-"))
    try:
        sources, data = scratch / "sources", scratch / "data"
        shutil.copytree(REPO / "ingest" / "sources", sources, ignore=shutil.ignore_patterns(ADDED))
        env = {**os.environ, "PCG_DATA_DIR": str(data), "PCG_CACHE_DIR": str(scratch / "cache")}
        rows = [build_row("kg build without the CSDDD (cold cache)", env, data, "--sources", str(sources))]
        seconds, _ = run(env, "add", str(text), "--sources", str(sources), "--id", ADDED,
                         "--title", meta.get("title", "Directive (EU) 2024/1760 on corporate sustainability due "
                                                      "diligence"),
                         "--short-title", meta.get("short_title", "CSDDD"), "--jurisdiction", "EU",
                         "--url", meta.get("official_url", "https://eur-lex.europa.eu/eli/dir/2024/1760/oj"))
        rows.append({"case": "kg add (the CSDDD)", "seconds": round(seconds, 1)})
        rows.append(build_row("kg build after kg add", env, data, "--sources", str(sources)))
        rows.append(build_row("kg build --force --readapt (same sources)", env, data, "--sources", str(sources),
                              "--force", "--readapt"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for row in rows:
        row["target_seconds"] = TARGET_SECONDS.get(row["case"])
    stages = [s for s in rows[0]["stages"]]
    print(f"{'case':44} {'seconds':>8}  encoder (unseen share)   search embedded/cached   themes embedded/cached"
          f"   hybrid hit@5 (all / {ADDED})")
    for row in rows:
        if "stages" not in row:
            print(f"{row['case']:44} {row['seconds']:>8.1f}")
            continue
        search, themes = row["embedded"]["search"], row["embedded"]["themes"]
        encoder = f"{row['encoder_status']} ({row['unseen_share']:.1%})"
        print(f"{row['case']:44} {row['seconds']:>8.1f}  {encoder:23} {search['embedded']:>7,} / {search['cached']:<7,}"
              f"       {themes['embedded']:>7,} / {themes['cached']:<7,}      {row['hybrid_hit@5']['all']:.3f} / "
              f"{row['hybrid_hit@5'].get('added', float('nan')):.3f}")
    builds = [r for r in rows if "stages" in r]
    print(f"\n{'stage (s)':32}" + "".join(f"{n:>12}" for n in ("cold", "after add", "readapt")))
    for stage in stages:
        print(f"{stage:32}" + "".join(f"{r['stages'].get(stage, 0):>12.1f}" for r in builds))
    write_results(RESULTS, "add_instrument", rows, added=ADDED, text=str(text.relative_to(text.parents[3])))


if __name__ == "__main__":
    main()
