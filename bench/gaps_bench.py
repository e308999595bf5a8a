"""Gap-analysis benchmark: the shipped data, and a synthetic graph of 1,000 bodies and 50,000
memberships generated here (with partnerships, so indirect paths are searched too).

Prints a table and writes ``bench/results/gaps.json``. Target on 2 cores: the synthetic case
under 2 s.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from results_file import verdict, write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "gaps.json"
KINDS = ["law_enforcement", "prosecution", "government_agency", "civil_society", "labour_inspection", "customs",
         "fiu", "financial_regulator", "central_bank", "finance_ministry", "business"]


def synthetic(bodies: int = 1000, memberships: int = 50_000, seed: int = 11):
    from ingest.coordination import Membership, Partnership

    rng = random.Random(seed)
    jurisdictions = [f"J{i:02d}" for i in range(60)]
    rows = []
    for i in range(memberships):
        b = i % bodies
        j = jurisdictions[b % len(jurisdictions)]
        kind = rng.choice(KINDS[:6]) if rng.random() < 0.9 else rng.choice(KINDS)
        rows.append(Membership(i + 2, f"B{b}", f"Body {b}", "national", j, f"Org {j}-{rng.randrange(400)}", kind,
                               kind, rng.choice(["member", "member", "member", "observer", "partner"]),
                               "https://example.org", "quote", rng.choice([2012, 2018, 2023, None])))
    partnerships = [Partnership(i + 2, f"P{i}", jurisdictions[i % len(jurisdictions)], "FIU-led",
                                tuple(f"Org {jurisdictions[i % len(jurisdictions)]}-{rng.randrange(400)}"
                                      for _ in range(8)) + (f"FIU {i}",), "https://example.org", "quote")
                    for i in range(300)]
    return rows, partnerships


def timed(memberships, partnerships) -> tuple[float, int]:
    from kg.analysis.gaps import analyse

    start = time.perf_counter()
    result = analyse(memberships, partnerships)
    return time.perf_counter() - start, len(result)


def main() -> None:
    from ingest.coordination import shipped_memberships, shipped_partnerships

    shipped = shipped_memberships().memberships
    rows = []
    seconds, bodies = timed(shipped, shipped_partnerships())
    rows.append({"case": "shipped data", "bodies": bodies, "memberships": len(shipped), "seconds": round(seconds, 3),
                 "target_seconds": None})
    memberships, partnerships = synthetic()
    seconds, bodies = timed(memberships, partnerships)
    rows.append({"case": "synthetic", "bodies": bodies, "memberships": len(memberships),
                 "seconds": round(seconds, 3), "target_seconds": 2.0})
    print(f"{'case':14} {'bodies':>7} {'memberships':>12} {'seconds':>8} {'target':>7}  ok")
    for r in rows:
        target = "" if r["target_seconds"] is None else f"{r['target_seconds']:.1f}"
        ok = verdict(r["seconds"], r["target_seconds"])
        print(f"{r['case']:14} {r['bodies']:>7} {r['memberships']:>12} {r['seconds']:>8.3f} {target:>7}  {ok}")
    write_results(RESULTS, "gap analysis", rows)


if __name__ == "__main__":
    main()
