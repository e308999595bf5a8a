"""What the benchmarks that open the app in a browser share: the Chromium they drive and its
flags, and the checks that make a missing browser or graph one clear line, not a page of errors."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_for_app() -> str:
    """The Chromium to measure with, once the app's graph is known to be built."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise SystemExit("chromium is not installed (apt-get install -y chromium): nothing to measure with")
    from kg.store.builds import require_current_build

    require_current_build()
    return chromium
