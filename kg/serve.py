"""Starting servers: ``python -m kg serve`` (the read-only endpoint of :mod:`kg.endpoint`), the app
for the browser tests and benchmarks, and, for the remote-store tests only, a writable Oxigraph
server (``oxigraph serve``, from the ``oxigraph`` package in requirements.txt) standing in for a
user's own triple store. The endpoint serves the build it started with; a build writes a *new*
folder, so serving never blocks a rebuild — restart the server to serve the newer build.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import EndpointError
from kg.store import builds as stores
from kg.processes import die_with_parent, spawn

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 60


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI: next to this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("the oxigraph server binary was not found (next to "
                        f"{sys.executable} or on PATH); install it with: pip install oxigraph==0.5.13")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(location: Path, host: str, port: int, *, read_only: bool = True,
                   timeout_s: int | None = None) -> list[str]:
    command = [oxigraph_binary(), "serve-read-only" if read_only else "serve", "--location", str(location),
               "--bind", f"{host}:{port}", "--union-default-graph", "--cors"]
    if timeout_s:
        command += ["--timeout-s", str(timeout_s)]
    return command


def wait_until_up(process: subprocess.Popen, url: str, seconds: float = 30) -> None:
    """Wait until the server answers a query, or say why it did not start."""
    deadline = time.monotonic() + seconds
    probe = url + "?query=" + urllib.parse.quote("ASK {}")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            raise EndpointError(f"the SPARQL server stopped at start-up: {err.strip()[-400:] or 'no message'}"
                                + (" — is the store locked by a process writing to it (a build in progress)?"
                                   if "lock" in err.lower() else ""))
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise EndpointError(f"the SPARQL server did not answer at {url} within {seconds:.0f} s")


def start_app(repo: Path, seconds: float = 60) -> tuple[subprocess.Popen, str]:
    """The app in a new process on a free local port, started as ``make run`` starts it
    (``python -m kg app``), and its URL once it answers its health check (for the browser tests and
    the first-answer benchmark)."""
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


def start(location: Path | None = None, host: str = "127.0.0.1", port: int | None = None, *,
          read_only: bool = True, timeout_s: int | None = None):
    """Start a server; returns it (``terminate()``/``wait()``) and its query URL
    (``http://host:port/query``). A read-only server is :class:`kg.endpoint.SparqlEndpoint` over the
    current build (or the build folder ``location``), answering in this process with the console's
    checked query workers; a writable one (``read_only=False``, the remote-store tests' stand-in for
    a user's triple store) is Oxigraph's own server on the store folder ``location``."""
    port = port or free_port()
    with socket.socket() as s:
        if s.connect_ex((host, port)) == 0:
            raise EndpointError(f"port {port} on {host} is already in use; choose another with --port")
    if not read_only:
        process = spawn(server_command(location, host, port, read_only=False, timeout_s=timeout_s),
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
                        preexec_fn=die_with_parent)
        url = f"http://{host}:{port}/query"
        wait_until_up(process, url)
        return process, url
    from kg.endpoint import SparqlEndpoint

    build_root = str(location or stores.require_current_build().root)
    try:
        endpoint = SparqlEndpoint(host, port, build_root, float(timeout_s or DEFAULT_TIMEOUT_S))
    except OSError as err:
        raise EndpointError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return endpoint, f"http://{host}:{port}/query"
