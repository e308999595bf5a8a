"""Loads made once per process, even when two threads ask at the same moment."""

from __future__ import annotations

import functools
import threading


def loaded_once(maxsize: int = 2):
    """Like ``functools.lru_cache``, but a second thread asking while the first is still loading
    waits for that load instead of starting its own: the app's warm-up thread and a first question
    would otherwise both open the store and both load the model (twice the work, on two cores that
    are already busy)."""

    def decorate(load):
        cached = functools.lru_cache(maxsize=maxsize)(load)
        lock = threading.RLock()

        @functools.wraps(load)
        def once(*args):
            with lock:
                return cached(*args)

        once.cache_clear = cached.cache_clear  # as a new process would start: tests only
        return once

    return decorate
