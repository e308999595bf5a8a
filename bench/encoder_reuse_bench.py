"""How well does an encoder adapted to part of the corpus read the rest? The evidence for
kg.search.adaptation's reuse threshold (REUSE_UNSEEN_SHARE).

For each set of held-out instruments, the search encoder is adapted to the shipped corpus without
them, the whole corpus is indexed with it (as a build that reuses it would index it), and the gold
questions are asked: hit@5 on the questions whose answers lie in the held-out instruments (text
the encoder never saw) and on all of them, beside the encoder adapted to the whole corpus and the
stock model. It adapts one encoder per held-out set and one to the whole corpus, and embeds the
corpus with each: about half an hour on 2 cores. Not part of ``make bench``. Its indexes have no
second stage (kg.search.late_interaction): what it compares is the adapted encoders, by the first
stage they rank with.

Prints a table and writes ``bench/results/encoder_reuse.json``. ``--cache DIR`` keeps the encoders
and embeddings in DIR (default: a temporary folder), so an interrupted run resumes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "encoder_reuse.json"
HELD_OUT = [
    ["eu-forced-labour-regulation-2024"],
    ["eu-amlr-2024", "eu-atd-2011"],
    ["uk-msa-2015", "eu-amla-2024", "eu-forced-labour-regulation-2024"],
]


def hit_at_5(index, questions: list[dict], mode: str = "hybrid") -> float:
    from kg.evaluate import _is_hit
    from kg.search.answering import search

    hits = 0
    for q in questions:
        found, _ = search(q["question"], k=5, mode=mode, with_related=False, index=index)
        hits += any(_is_hit(h.provision, q["provisions"]) for h in found)
    return hits / len(questions)


def store_for_search(data: Path, build) -> None:
    """The store that search reads beside its index (the instruments a question names, each hit's
    obligations): a copy of the project's current build, else one built here. The rankings compared
    come from the indexes this benchmark writes, all read with the same store."""
    current = REPO / "data" / "current"
    if (current / "manifest.json").exists():
        target = data / "builds" / current.resolve().name
        shutil.copytree(current.resolve(), target)
        (data / "current").symlink_to(target.relative_to(data))
    else:
        build()  # the encoder adapted to the whole corpus is cached by now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", help="folder for encoders and embeddings (kept)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="pcg-reuse-")
    cache = Path(args.cache) if args.cache else Path(scratch) / "cache"
    for name in ("embeddings", "obligations"):  # stock-model and extraction caches: keyed by content
        if not (cache / name).exists() and (REPO / "data" / "cache" / name).exists():
            shutil.copytree(REPO / "data" / "cache" / name, cache / name)
    os.environ["PCG_DATA_DIR"] = str(Path(scratch) / "data")
    os.environ["PCG_CACHE_DIR"] = str(cache)
    from ingest.catalogue import list_instruments
    from kg.build.pipeline import build
    from kg.search.adaptation import adapted_encoder, instrument_pairs
    from kg.search.models import encoder_dir
    from kg.evaluate import GOLD_DIR, read_jsonl
    from kg.search.ranking import load_index
    from kg.search.units import index_points, index_units, write_index

    parsed = [(i, i.parse()) for i in list_instruments()]
    units, points = index_units(parsed), index_points(parsed)
    questions = read_jsonl(GOLD_DIR / "questions.jsonl")
    pairs = instrument_pairs(units)

    def evaluate(encoder: str | None, name: str):
        folder = Path(scratch) / "index" / name
        write_index(units, folder, points=points, encoder=encoder)
        return load_index(str(folder))

    t = time.perf_counter()
    full = adapted_encoder(units)
    print(f"encoder adapted to the whole corpus: {full} ({time.perf_counter() - t:.0f} s)", flush=True)
    store_for_search(Path(scratch) / "data", build)
    indexes = {"full": evaluate(full, "full"), "stock": evaluate(None, "stock")}
    rows = []
    for held in HELD_OUT:
        unseen = sum(1 for instrument, _ in pairs if instrument in held)
        t = time.perf_counter()
        partial = adapted_encoder([u for u in units if u.instrument not in held])
        print(f"adapted without {', '.join(held)}: {time.perf_counter() - t:.0f} s", flush=True)
        reused = evaluate(partial, "-".join(held))
        asked = [q for q in questions if q["instrument"] in held]
        row = {"held_out": held, "unseen_pairs": unseen, "pairs": len(pairs),
               "unseen_share": round(unseen / len(pairs), 3), "questions_on_held_out": len(asked)}
        for mode in ("hybrid", "dense"):
            row[mode] = {
                "held_out_questions": {name: round(hit_at_5(index, asked, mode), 3)
                                       for name, index in (("stock", indexes["stock"]), ("partial", reused),
                                                           ("full", indexes["full"]))},
                "all_questions": {name: round(hit_at_5(index, questions, mode), 3)
                                  for name, index in (("partial", reused), ("full", indexes["full"]))},
            }
        rows.append(row)
        print(row, flush=True)
        if not args.cache:
            shutil.rmtree(encoder_dir(partial), ignore_errors=True)
    print(f"\n{'held out':62} {'unseen':>7} {'n':>3}  hit@5 on their questions (stock / partial / full)"
          "   all questions (partial / full)")
    for row in rows:
        for mode in ("hybrid", "dense"):
            own, every = row[mode]["held_out_questions"], row[mode]["all_questions"]
            print(f"{', '.join(row['held_out']) + f' [{mode}]':62} {row['unseen_share']:>7.1%} "
                  f"{row['questions_on_held_out']:>3}  {own['stock']:.3f} / {own['partial']:.3f} / {own['full']:.3f}"
                  f"{'':25}{every['partial']:.3f} / {every['full']:.3f}")
    write_results(RESULTS, "encoder_reuse", rows, full_encoder=full)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
