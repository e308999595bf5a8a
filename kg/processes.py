"""Child processes die with their parent.

A build forks SHACL and extraction workers (about 1 GB each), and every SPARQL runner keeps a query
worker; if the parent is killed (a stopped build, a stopped ``kg serve``, a closed app) those
children must not run on. On Linux each child asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), and exits at once if the parent is already gone; elsewhere the
parent's own shutdown stops them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Call first thing in a child process (a pool initializer, a worker's main)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except OSError:  # no glibc (e.g. musl): the parent's shutdown still stops us
            pass
    if os.getppid() != parent or parent == 1:  # the parent died before the request took effect
        os._exit(1)


class _Spawner:
    """Starts long-lived children from one thread that lives as long as the process: the kernel ties
    PR_SET_PDEATHSIG to the *thread* that started a child, so a worker started from a request's or a
    page's own thread would be killed when that thread ends."""

    def __init__(self):
        import queue
        import threading

        self.requests: queue.Queue = queue.Queue()
        threading.Thread(target=self._serve, name="pcg-spawner", daemon=True).start()

    def _serve(self) -> None:
        import subprocess

        while True:
            args, kwargs, reply = self.requests.get()
            try:
                reply.put(subprocess.Popen(args, **kwargs))
            except Exception as err:  # noqa: BLE001 — handed back to the caller, who raises it
                reply.put(err)

    def popen(self, args, **kwargs):
        import queue

        reply: queue.Queue = queue.Queue(maxsize=1)
        self.requests.put((args, kwargs, reply))
        result = reply.get()
        if isinstance(result, Exception):
            raise result
        return result


_SPAWNER: _Spawner | None = None


def spawn(args, **kwargs):
    """``subprocess.Popen(args, **kwargs)``, started from the process's spawner thread."""
    global _SPAWNER
    if _SPAWNER is None:
        _SPAWNER = _Spawner()
    return _SPAWNER.popen(args, **kwargs)
