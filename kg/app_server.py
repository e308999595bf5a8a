"""The app in a process of its own, as ``make run`` starts it (``python -m kg app``), for the
browser tests and the benchmarks that measure it from outside."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kg.errors import EndpointError
from kg.ports import free_port


def start_app(repo: Path, seconds: float = 60) -> tuple[subprocess.Popen, str]:
    """The app in a new process on a free local port, and its URL once it answers its health check."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "app", "--port", str(port), "--host", "127.0.0.1"],
        cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise EndpointError(f"the app did not answer {url}/_stcore/health within {seconds:.0f} s")
