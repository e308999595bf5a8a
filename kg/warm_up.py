"""What the first question needs (the search index, the encoder, the store and its obligations),
loaded in the background as soon as the app's process starts, so the first answer does not wait
for it. ``python -m kg app`` starts it before Streamlit; app.py starts it too (a no-op if it has
started) for those who run ``streamlit run app.py``.

The store is read from its TriG dump by Oxigraph, which lets go of the GIL while it parses (about
1.4 s on 2 cores), so it loads in a thread of its own while this one builds the search index and
the question encoder, which hold the GIL (bench/app_concurrent_answers_bench.py).

In the app's own process (``python -m kg app``, which starts this from its main thread before
Streamlit), what was loaded is then moved out of the garbage collector's sight
(:func:`gc.freeze`): it lives as long as the process, and a full collection that walked it (about
165,000 objects with Streamlit's and NumPy's own, 140 ms holding the GIL) stalled every session
running at that moment. Elsewhere (``streamlit run app.py``, the tests' AppTest, which start it
from a script thread) the process may hold other things that only the collector can free, so
nothing is frozen there.
"""

from __future__ import annotations

import gc
import logging
import threading

log = logging.getLogger("pcg.app")
_started: threading.Thread | None = None
_starting = threading.Lock()


def start() -> threading.Thread:
    """The warm-up thread, started on the first call."""
    global _started
    with _starting:
        if _started is None:
            freeze = threading.current_thread() is threading.main_thread()
            _started = threading.Thread(target=_load, args=(freeze,), name="pcg-warm-up", daemon=True)
            _started.start()
        return _started


def _load_store() -> None:
    from kg.errors import PCGError
    from kg.store import read

    try:
        read.instruments()  # opens the store: Oxigraph parses the dump without the GIL
        read.obligations()  # what the answers show of each provision's norms
    except PCGError:
        pass  # said once, by _load


def _load(freeze: bool = False) -> None:
    from kg.errors import PCGError

    try:
        from kg.search import answering, ranking
        from kg.search.definitions import definitions
        from kg.search.question_embedding import question_model

        store = threading.Thread(target=_load_store, name="pcg-warm-up-store", daemon=True)
        store.start()
        index = ranking.current_index()
        question_model(index.encoder)
        store.join()
        answering.search("warm up", k=1)  # a real search: every cache the first answer reads is filled
        definitions()  # what a direct answer to "what is … called?" reads
    except PCGError as error:  # no graph yet, say: the pages tell the user what to do
        log.info("search not warmed up: %s", error)
        return
    if freeze:
        gc.collect()
        gc.freeze()
