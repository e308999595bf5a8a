"""Shared fixtures: the real built graph (``make test`` builds it first), isolated data dirs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict | None = None, check: bool = False, timeout: int = 600):
    """Run ``python -m kg …`` as a user would, in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_graph():
    """The project's graph, built (or confirmed up to date) once per test session."""
    run_cli("build", "--quiet", check=True)
    from kg.store.builds import require_current_build

    return require_current_build()


@pytest.fixture()
def scratch_data(tmp_path, monkeypatch):
    """A private data dir (and a copy of the sources) so a test may break builds freely."""
    data = tmp_path / "data"
    sources = tmp_path / "sources"
    shutil.copytree(REPO / "ingest" / "sources", sources)
    monkeypatch.setenv("PCG_DATA_DIR", str(data))
    # reuse the project's caches (keyed by content): a scratch build then takes seconds, not minutes
    monkeypatch.setenv("PCG_CACHE_DIR", str(REPO / "data" / "cache"))
    return data, sources
