"""Running a query someone typed (the app's SPARQL console, ``kg sparql``): the read-only check,
then the query within a time limit and a row cap, its answer as plain data (a QueryResult).

With a time limit the query runs in this process's query worker (kg.sparql.worker), which is killed
if the query overruns; without one (``kg sparql`` by default) it runs in-process. Against a remote
endpoint the limit is the HTTP timeout (and the server's own, e.g. ``oxigraph --timeout-s``).
"""

from __future__ import annotations

from kg.sparql.read_only import check_read_only
from kg.sparql.execution import QueryResult, execute
from kg.sparql.worker import Worker
from kg.store import read
from kg.store.builds import require_current_build

APP_ROW_CAP = 5000
APP_TIMEOUT_S = 10.0


def run(text: str, *, row_cap: int | None = None, timeout: float | None = None, store=None) -> QueryResult:
    """Check ``text`` is a read-only query, then run it within the limits given."""
    checked = check_read_only(text)
    store = store if store is not None else read.store()
    if timeout is None or not hasattr(store, "bulk_extend"):  # no limit, or remote (HTTP timeout)
        return execute(store, checked.text, checked.form, row_cap, timeout, checked.own_dataset)
    return _worker().run(str(require_current_build().root), checked, row_cap, timeout)


_WORKER: Worker | None = None


def _worker() -> Worker:
    global _WORKER
    if _WORKER is None:
        _WORKER = Worker()
    return _WORKER
