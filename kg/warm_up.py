"""What the first question needs (the search index, the encoder, the store and its obligations),
loaded in the background as soon as the app's process starts, so the first answer does not wait
for it. ``python -m kg app`` starts it before Streamlit; app.py starts it too (a no-op if it has
started) for those who run ``streamlit run app.py``."""

from __future__ import annotations

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
            _started = threading.Thread(target=_load, name="pcg-warm-up", daemon=True)
            _started.start()
        return _started


def _load() -> None:
    from ingest.errors import PCGError

    try:
        from kg.search import search

        search("warm up", k=1)  # a real search: every cache the first answer reads is filled
    except PCGError as error:  # no graph yet, say: the pages tell the user what to do
        log.info("search not warmed up: %s", error)
