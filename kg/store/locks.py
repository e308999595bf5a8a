"""One build at a time per data folder.

A build (and an import, which ends in a build) holds an exclusive ``flock`` on
``<data>/build.lock`` from its first step to its publication. A second one waits, saying who holds
the lock, instead of deleting the first one's partial folder or publishing over it. The lock is the
kernel's: it is released when its holder exits, however it exits, so a killed build never leaves a
stale lock. Within one process it is re-entrant (an import holds it while its build runs).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from kg.config import data_dir

_held = threading.local()
_process_lock = threading.RLock()


def lock_path():
    return data_dir() / "build.lock"


@contextmanager
def build_lock(what: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the data folder's build lock for ``what`` ("build", "import …"); ``on_wait(message)`` hears
    once if another process holds it, and the call then waits for it."""
    with _process_lock:
        depth = getattr(_held, "depth", 0)
        if depth:
            _held.depth = depth + 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        path = lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(f"another {holder(handle)} is running in {path.parent}; waiting for it to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "what": what,
                                     "since": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}))
            handle.flush()
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()


def holder(handle) -> str:
    """'build (process 123, since 12:00:01)' from what the holder wrote, as far as it can be read."""
    for _ in range(5):
        handle.seek(0)
        try:
            info = json.loads(handle.read() or "{}")
        except ValueError:
            info = {}
        if info:
            return f"{info.get('what', 'build')} (process {info.get('pid')}, since {info.get('since')})"
        time.sleep(0.05)
    return "build"
