"""What every benchmark writes: a verdict per row and ``bench/results/<name>.json`` with when and
on what machine it ran."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path


def verdict(value: float, target: float | None) -> str:
    """"yes" under the target, "NO" over it, "" where there is no target."""
    return "" if target is None else ("yes" if value < target else "NO")


def percentile(ordered: list[float], share: float) -> float:
    """The value ``share`` of the way up ``ordered`` (sorted), by the lower index: 0.5, 0.95 …"""
    return ordered[int(share * (len(ordered) - 1))]


def write_results(path: Path, benchmark: str, rows: list[dict], **extra) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"benchmark": benchmark, **extra, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                                "results": rows}, indent=2) + "\n")
    print(f"written {path.relative_to(path.parents[2])}")
