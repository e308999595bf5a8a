"""A Virtuoso Open Source 7 server (``virtuoso-t``, from the Debian package ``virtuoso-opensource``)
of its own: the second real SPARQL engine the remote-store tests build into and read from through
kg.store.remote, as kg.store.oxigraph_server is the first.

:func:`start_virtuoso` writes a ``virtuoso.ini`` into a folder (the database, its log and its lock
beside it), sets a new random password for the ``dba`` user while creating the database, and starts
the server on loopback ports nobody uses. Queries go to ``/sparql`` (anonymous, read-only) and
updates to ``/sparql-auth`` (HTTP Digest, user ``dba``). The engine keeps its default result cap
(``ResultSetMaxRows`` 10,000), which the remote store must page under or refuse (E027).

``MaxQueryCostEstimationTime`` is left unset, as the engine ships it (the Debian package's own
``virtuoso.ini`` sets 400 s): the query cost estimator of Virtuoso 7.2.5 misjudges any query whose
values come in a ``VALUES`` block, the only way the SPARQL protocol can bind them — a one-row
lookup that answers in 0.5 s is estimated at 120,000 s, and larger ones overflow to negative
estimates — so with a limit set, the readers' bound queries are refused before they run. No query
text avoids it; an engine set up that way needs the line left out.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

from kg.errors import EndpointError
from kg.ports import free_port
from kg.processes import die_with_parent, spawn
from kg.store.oxigraph_server import wait_until_up

USER = "dba"
RESULT_CAP = 10000  # the engine's default ResultSetMaxRows
# 8 KB pages of memory the engine may cache (160 MB): ample for today's graph; a larger graph wants
# more (the engine's own guide: about two thirds of free memory), see bench/scale_bench.py
BUFFERS = 20000
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {result_cap}
MaxQueryExecutionTime = {timeout_s}
"""


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t") or (Path("/usr/bin/virtuoso-t").exists() and "/usr/bin/virtuoso-t")
    if not found:
        raise EndpointError("the Virtuoso server binary virtuoso-t was not found on PATH; install it with: "
                            "apt-get install -y virtuoso-opensource")
    return found


def write_ini(folder: Path, host: str, sql_port: int, http_port: int, *, result_cap: int = RESULT_CAP,
              timeout_s: int = 120, buffers: int = BUFFERS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder.resolve(), host=host, sql_port=sql_port, http_port=http_port,
                              result_cap=result_cap, timeout_s=timeout_s, buffers=buffers,
                              dirty_buffers=buffers * 3 // 4), encoding="utf-8")
    return ini


def create_database(ini: Path, password: str, seconds: float = 120) -> None:
    """Create the database with ``password`` for ``dba`` (the server sets it and exits)."""
    try:
        done = subprocess.run([virtuoso_binary(), "+configfile", str(ini), "+foreground", "+pwdold", "dba",
                               "+pwddba", password], capture_output=True, timeout=seconds,
                              preexec_fn=die_with_parent)
    except subprocess.TimeoutExpired:
        raise EndpointError(f"Virtuoso did not create its database in {ini.parent} within {seconds:.0f} s") from None
    if done.returncode != 0:
        log = ini.parent / "virtuoso.log"
        tail = log.read_text(encoding="utf-8", errors="replace")[-400:] if log.exists() else ""
        raise EndpointError(f"Virtuoso could not create its database in {ini.parent}: {tail.strip() or 'no message'}")


def start_virtuoso(folder: Path, host: str = "127.0.0.1", *, result_cap: int = RESULT_CAP,
                   timeout_s: int = 120, buffers: int = BUFFERS) -> tuple[subprocess.Popen, str, str, str, str]:
    """A Virtuoso server with its database in ``folder``, once it answers: the process, the query
    URL, the update URL (Digest authentication), the user and its password. Stop it with
    :func:`stop_virtuoso`."""
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = write_ini(folder, host, sql_port, http_port, result_cap=result_cap, timeout_s=timeout_s, buffers=buffers)
    password = secrets.token_hex(8)  # 16 characters: Virtuoso 7.2's HTTP authentication fails past 20
    create_database(ini, password)
    log = folder / "server.out"
    with open(log, "wb") as out:
        process = spawn([virtuoso_binary(), "+configfile", str(ini), "+foreground"], stdout=out,
                        stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    query_url = f"http://{host}:{http_port}/sparql"
    try:
        wait_until_up(process, query_url, seconds=120, log=log)
    except EndpointError:
        stop_virtuoso(process)
        raise
    return process, query_url, f"http://{host}:{http_port}/sparql-auth", USER, password


def stop_virtuoso(process: subprocess.Popen, seconds: float = 30) -> None:
    """Stop the server (it checkpoints on SIGTERM), killing it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
