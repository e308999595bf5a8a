"""The read-only guard in front of ``kg serve``: every query is checked before Oxigraph sees it.

Oxigraph's ``serve-read-only`` refuses updates but would run a ``SERVICE`` clause, i.e. send a
request to any server a query names. This small HTTP proxy answers on the public port, checks
each SPARQL query with :mod:`kg.guard` (the same check as the console and the CLI) and forwards
only read-only, SERVICE-free queries to the Oxigraph server listening on a private loopback port.
Refusals are ``400 Bad Request`` (or ``403`` for the update URL) with the reason as plain text.
Other GET requests (Oxigraph's query page, the graph store protocol's reads) pass through.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ingest.errors import PCGError
from kg.guard import check_read_only

PASSED_HEADERS = ("Accept", "Content-Type")
FORM = "application/x-www-form-urlencoded"


def query_of(method: str, path: str, content_type: str, body: bytes) -> str | None:
    """The SPARQL query a protocol request carries (GET ?query=, POST form or POST sparql-query)."""
    parsed = urllib.parse.urlsplit(path)
    if method == "GET":
        return urllib.parse.parse_qs(parsed.query).get("query", [None])[0]
    if content_type.startswith("application/sparql-query"):
        return body.decode("utf-8", "replace")
    if content_type.startswith(FORM):
        return urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", [None])[0]
    return None


def handler_for(backend: str):
    class GuardHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: the CLI prints what matters
            pass

        def _reply(self, status: int, text: str) -> None:
            data = (text + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(data)

        def _forward(self, body: bytes | None) -> None:
            headers = {h: self.headers[h] for h in PASSED_HEADERS if self.headers.get(h)}
            request = urllib.request.Request(backend + self.path, data=body, headers=headers, method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=600) as response:
                    status, reply_headers, data = response.status, response.headers, response.read()
            except urllib.error.HTTPError as err:
                status, reply_headers, data = err.code, err.headers, err.read()
            except OSError as err:
                return self._reply(502, f"the SPARQL server behind this endpoint did not answer: {err}")
            self.send_response(status)
            for name, value in reply_headers.items():
                if name.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            route = urllib.parse.urlsplit(self.path).path
            if route.rstrip("/").endswith("/update") or (self.command != "GET" and route != "/query"):
                return self._reply(403, "this endpoint is read-only: updates and writes are refused")
            query = query_of(self.command, self.path, self.headers.get("Content-Type", ""), body)
            if query is not None:
                try:
                    check_read_only(query)
                except PCGError as err:
                    return self._reply(400, f"{err.code}: {err.message}")
            elif route == "/query":
                return self._reply(400, "no query: send ?query=… (GET), a form field 'query' or an "
                                        "application/sparql-query body (POST)")
            self._forward(body if self.command == "POST" else None)

        do_GET = do_POST = _handle

        def do_PUT(self) -> None:
            self._reply(403, "this endpoint is read-only: updates and writes are refused")

        do_DELETE = do_PATCH = do_PUT

    return GuardHandler


class GuardedEndpoint:
    """The proxy (in a thread of this process) and the Oxigraph server behind it, stopped together."""

    def __init__(self, host: str, port: int, backend: str, server_process):
        self.server_process = server_process
        self.http = ThreadingHTTPServer((host, port), handler_for(backend))
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, name="pcg-endpoint-guard", daemon=True)
        self.thread.start()

    def terminate(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.server_process.terminate()

    def wait(self, timeout: float | None = None) -> int:
        return self.server_process.wait(timeout=timeout)

    def poll(self):
        return self.server_process.poll()
