"""A writable Oxigraph server (``oxigraph serve``, from the ``oxigraph`` package in
requirements.txt) standing in for a user's own triple store: what the remote-store tests build into
and read from through kg.store.remote. The project's own endpoint, read-only and checked, is
kg.sparql.endpoint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import EndpointError
from kg.ports import free_port, require_free
from kg.processes import die_with_parent, spawn


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


def server_command(location: Path, host: str, port: int, timeout_s: int | None = None,
                   union_default_graph: bool = True) -> list[str]:
    command = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"{host}:{port}", "--cors"]
    if union_default_graph:
        command.append("--union-default-graph")
    if timeout_s:
        command += ["--timeout-s", str(timeout_s)]
    return command


def wait_until_up(process: subprocess.Popen, url: str, seconds: float = 30, log: Path | None = None) -> None:
    """Wait until the server answers a query, or say why it did not start (from its standard error,
    or the ``log`` file it writes)."""
    deadline = time.monotonic() + seconds
    probe = url + "?query=" + urllib.parse.quote("ASK {}")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            if log is not None and log.exists():
                err += log.read_text(encoding="utf-8", errors="replace")
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


def start_oxigraph(location: Path, host: str = "127.0.0.1", port: int | None = None, *,
                   timeout_s: int | None = None, union_default_graph: bool = True) -> tuple[subprocess.Popen, str]:
    """A writable Oxigraph server on the store folder ``location``, and its query URL
    (``http://host:port/query``; updates go to ``/update``), once it answers. Its default graph is
    the union of its graphs unless ``union_default_graph`` is false (then its unnamed graph)."""
    port = port or free_port()
    require_free(host, port)
    process = spawn(server_command(location, host, port, timeout_s, union_default_graph),
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ}, preexec_fn=die_with_parent)
    url = f"http://{host}:{port}/query"
    wait_until_up(process, url)
    return process, url
