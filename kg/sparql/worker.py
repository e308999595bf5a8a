"""The query worker: a child process (``python -m kg.sparql.worker``) that answers checked queries
on a read-only, in-memory copy of a build, so that a query past its time limit can be stopped.

Oxigraph cannot cancel a query once it runs, and a thread cannot be stopped, so a query past its
deadline would keep a core busy; killing the worker stops it at once, and the next query starts a
fresh worker. One JSON request per line goes in, one JSON answer per line comes out: a result, or
an error as its code, message and place, rebuilt in the parent from the catalogue (kg.errors). The
console (kg.sparql.console) keeps one worker per process; the endpoint (kg.sparql.endpoint) a pool.
"""

from __future__ import annotations

import json
import select as io_select
import subprocess
import sys
import threading
import time

from kg.config import REPO_ROOT
from kg.errors import EndpointError, PCGError, QueryTimeoutError, from_code
from kg.sparql.read_only import CheckedQuery
from kg.processes import die_with_parent, spawn
from kg.sparql.execution import QueryResult, execute
from kg.store.builds import memory_copy


class Worker:
    """One child process that answers queries on a read-only store; killed when a query overruns."""

    # the child's command line (tests/test_error_codes.py starts a stand-in through it)
    command = (sys.executable, "-m", "kg.sparql.worker")

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            self.process = spawn(list(self.command), cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, bufsize=1)
        return self.process

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def run(self, build_root: str, checked: CheckedQuery, row_cap: int | None, timeout: float) -> QueryResult:
        with self.lock:
            process = self._start()
            started = time.perf_counter()
            process.stdin.write(json.dumps({"build": build_root, "query": checked.text, "form": checked.form,
                                            "own_dataset": checked.own_dataset, "cap": row_cap}) + "\n")
            process.stdin.flush()
            ready, _, _ = io_select.select([process.stdout], [], [], timeout)
            if not ready:
                self.stop()
                raise QueryTimeoutError(
                    f"time limit of {timeout:.0f} s reached and the query was stopped — narrow it (a VALUES "
                    f"line, a LIMIT) or run it with `python -m kg sparql` (no time limit)")
            line = process.stdout.readline()
            if not line:
                self.stop()
                raise EndpointError("the query worker stopped unexpectedly; try again")
            answer = json.loads(line)
            if "error" in answer:
                raise from_code(answer["code"], answer["error"], path=answer.get("path"), line=answer.get("line"))
            result = QueryResult(**answer["result"])
            result.seconds = time.perf_counter() - started
            return result


def worker_main() -> None:
    """The worker's loop: one JSON request per line in, one JSON answer per line out."""
    die_with_parent()
    loaded: dict[str, object] = {}  # the build's in-memory copy, loaded once (about 1 s) and kept
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["build"] not in loaded:
                loaded.clear()
                loaded[request["build"]] = memory_copy(request["build"])
            store = loaded[request["build"]]
            result = execute(store, request["query"], request["form"], request["cap"],
                             own_dataset=request["own_dataset"])
            answer = {"result": result.as_dict()}
        except PCGError as err:  # rebuilt in the parent from its code (kg.errors.from_code)
            answer = {"code": err.code, "error": err.message, "path": err.path, "line": err.line}
        except Exception as err:  # noqa: BLE001 — reported to the caller as a message
            answer = {"code": EndpointError.code, "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    worker_main()
