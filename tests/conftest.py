"""Shared fixtures: the real built graph (``make test`` builds it first), isolated data dirs."""

from __future__ import annotations

import contextlib
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


# --- the browser and the app it opens (every browser test; fail, not skip, under CI=true) -----------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and browser tests may not be skipped under CI=true")
        pytest.skip("chromium is not installed (apt-get install -y chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@contextlib.contextmanager
def serving_app():
    """The app in a process of its own (reading this process's environment: its data folder), its
    URL while the block runs; a failure to start fails the test with the reason."""
    from kg.errors import EndpointError
    from kg.app_server import start_app

    try:
        server, url = start_app(REPO)
    except EndpointError as err:
        pytest.fail(str(err))
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def app_url(built_graph):
    with serving_app() as url:
        yield url
