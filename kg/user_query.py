"""Running a query someone typed: read-only check, time limit, row cap, results as plain data.

The time limit runs the query in a **worker process** (``python -m kg.user_query``, one per app
or CLI process, kept alive between queries) that holds the store open read-only. Oxigraph cannot
cancel a query once it runs, and a thread cannot be stopped, so a query past its deadline would
keep a core busy; killing the worker stops it at once, and the next query starts a fresh worker.
Without a time limit (``kg sparql`` by default) the query runs in-process. Against a remote
endpoint the limit is the HTTP timeout (and the server's own, e.g. ``oxigraph --timeout-s``).

Results travel as SPARQL 1.1 JSON bindings, so the worker's answer, the app's table and the
download formats (``kg.results``) all read the same structure.
"""

from __future__ import annotations

import json
import select as io_select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Triple

from kg.errors import EndpointError, PCGError, QueryTimeoutError, from_code
from kg.guard import CheckedQuery, check_read_only, reading_position, syntax_error
from kg.config import REPO_ROOT
from kg.processes import die_with_parent, spawn
from kg.rdf.terms import XSD
from kg.store.builds import memory_copy

XSD_STRING = XSD + "string"
APP_ROW_CAP = 5000
APP_TIMEOUT_S = 10.0
TRIPLE_VARIABLES = ["subject", "predicate", "object"]


@dataclass
class QueryResult:
    form: str  # select, ask, construct, describe
    variables: list[str] = field(default_factory=list)
    bindings: list[dict] = field(default_factory=list)  # SPARQL JSON: {var: {"type", "value", …}}
    boolean: bool | None = None
    truncated: bool = False
    row_cap: int | None = None
    seconds: float = 0.0

    def sparql_json(self) -> dict:
        if self.form == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        return {"head": {"vars": self.variables}, "results": {"bindings": self.bindings}}

    def limit_message(self) -> str | None:
        if not self.truncated:
            return None
        return (f"Row cap of {self.row_cap:,} reached — add LIMIT/OFFSET to page through the results, "
                f"or use `python -m kg sparql` (no cap).")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("form", "variables", "bindings", "boolean", "truncated", "row_cap",
                                              "seconds")}


def term_json(term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in TRIPLE_VARIABLES}}
    return {"type": "literal", "value": str(term)}


def collect(results, form: str, row_cap: int | None) -> QueryResult:
    """Read a pyoxigraph result (solutions, boolean or triples) up to ``row_cap`` rows."""
    if isinstance(results, (QueryBoolean, bool)):
        return QueryResult("ask", boolean=bool(results))
    if isinstance(results, QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = ({v: row[v] for v in variables} for row in results)
    else:
        form = form if form in ("construct", "describe") else "construct"
        variables = TRIPLE_VARIABLES
        rows = ({"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in results)
    out = QueryResult(form if form != "ask" else "select", variables, row_cap=row_cap)
    for row in rows:
        if row_cap is not None and len(out.bindings) >= row_cap:
            out.truncated = True
            break
        out.bindings.append({k: term_json(v) for k, v in row.items() if v is not None})
    return out


def execute(store, text: str, form: str, row_cap: int | None, timeout: float | None = None,
            own_dataset: bool = False) -> QueryResult:
    """Run an already checked query on ``store`` (embedded or remote) in this process: over the union
    of the named graphs, unless the query names its own dataset with FROM."""
    from kg.rdf.terms import prefixes

    started = time.perf_counter()
    kwargs = {"timeout": timeout} if timeout is not None and not hasattr(store, "bulk_extend") else {}
    try:
        results = store.query(text, prefixes=prefixes(), use_default_graph_as_union=not own_dataset, **kwargs)
    except SyntaxError as err:
        raise syntax_error(text, str(err), reading_position(text)) from None
    out = collect(results, form, row_cap)
    out.seconds = time.perf_counter() - started
    return out


def run(text: str, *, row_cap: int | None = None, timeout: float | None = None, store=None) -> QueryResult:
    """Check ``text`` is a read-only query, then run it within the limits given."""
    from kg.store import read

    checked = check_read_only(text)
    store = store if store is not None else read.store()
    if timeout is None or not hasattr(store, "bulk_extend"):  # no limit, or remote (HTTP timeout)
        return execute(store, checked.text, checked.form, row_cap, timeout, checked.own_dataset)
    from kg.store import builds as stores

    return _worker().run(str(stores.require_current_build().root), checked, row_cap, timeout)


class Worker:
    """One child process that answers queries on a read-only store; killed when a query overruns."""

    # the child's command line (tests/test_error_codes.py starts a stand-in through it)
    command = (sys.executable, "-m", "kg.user_query")

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


_WORKER: Worker | None = None


def _worker() -> Worker:
    global _WORKER
    if _WORKER is None:
        _WORKER = Worker()
    return _WORKER


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
