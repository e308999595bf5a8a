"""``python -m kg serve``: the built graph as a read-only SPARQL 1.1 Protocol endpoint.

The server is this module, not a proxy in front of an engine: every query is checked by
:mod:`kg.sparql.read_only` (updates and SERVICE refused, the same check as the console and the CLI) and run
by the same query workers as the app's console (:mod:`kg.sparql.worker`): child processes holding
an in-memory copy of the build, each killed and replaced when a query overruns the time limit, so
a runaway query stops computing when its time is up. There is no engine listening anywhere else
that a local process could reach without the check, and the workers die with the server.

Protocol: ``GET /query?query=…``, ``POST /query`` with a form field ``query`` or an
``application/sparql-query`` body. Results by ``Accept``: SPARQL JSON (default), SPARQL XML, CSV,
TSV; CONSTRUCT and DESCRIBE give Turtle (default), N-Triples or RDF/XML. Every answer carries CORS
headers and ``OPTIONS`` preflights are answered, so a query page on another origin (YASGUI) can use
it. Refusals are ``400`` (``403`` for updates and writes) with the reason as plain text.

Other modules may serve routes beside the protocol (:data:`Route`): ``kg serve`` mounts the
question-answering API (kg.api) under ``/api``. The endpoint only hands such a request over and sends
back what it gets, so SPARQL for people stays independent of search.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kg.errors import EndpointError, InternalError, PCGError, QueryTimeoutError, RequestError, error_json
from kg.ports import free_port, require_free
from kg.sparql.read_only import CheckedQuery, check_read_only
from kg.sparql.result_formats import results_format, serialize as serialize_results
from kg.sparql.execution import QueryResult
from kg.sparql.worker import Worker
from kg.store.builds import require_current_build

DEFAULT_TIMEOUT_S = 60
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 1_000_000  # bytes: a query body larger than this is refused before it is read
LISTEN_BACKLOG = 128  # connections waiting for a thread: 50 clients at once must not be reset
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "86400"}
SELECT_TYPES = [("application/sparql-results+json", "json"), ("application/json", "json"),
                ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/csv", "csv"),
                ("text/tab-separated-values", "tsv")]
GRAPH_TYPES = [("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES),
               ("application/rdf+xml", RdfFormat.RDF_XML)]
# A route served beside the protocol: (method, request target with its query string, headers) →
# (status, body, media type). Registered by path prefix ("/api" serves "/api" and "/api/…").
Route = Callable[[str, str, Message], tuple[int, bytes, str]]
log = logging.getLogger("pcg.endpoint")
USAGE = ("Read-only SPARQL 1.1 endpoint of the Policy Coherence Graph.\n"
         "Send a query to /query: GET ?query=…, or POST a form field 'query' or an application/sparql-query body.\n"
         "Updates and SERVICE (federated queries) are refused.\n")


class Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class WorkerPool:
    """Query workers shared by the request threads; one query at a time per worker."""

    def __init__(self, size: int):
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers = [Worker() for _ in range(size)]
        for worker in self.workers:
            self.idle.put(worker)

    def run(self, build_root: str, checked: CheckedQuery, timeout: float) -> QueryResult:
        worker = self.idle.get()
        try:
            return worker.run(build_root, checked, None, timeout)
        finally:
            self.idle.put(worker)

    def warm(self, build_root: str) -> None:
        """Start every worker and load the build in it before the first request arrives."""
        probe = check_read_only("ASK {}")
        threads = [threading.Thread(target=w.run, args=(build_root, probe, None, 120)) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def content_length(headers) -> int:
    raw = headers.get("Content-Length")
    if raw is None or raw == "":
        return 0
    if not raw.strip().isdigit():
        raise Refusal(400, f"the Content-Length header must be a number of bytes, not {raw[:40]!r}")
    length = int(raw)
    if length > MAX_BODY:
        raise Refusal(413, f"the request body is {length:,} bytes; up to {MAX_BODY:,} are accepted")
    return length


def decoded(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Refusal(400, f"the {what} is not valid UTF-8 (byte {err.start})") from None


def query_of(method: str, path: str, content_type: str, body: bytes) -> str | None:
    """The SPARQL query a protocol request carries (GET ?query=, POST form or POST sparql-query)."""
    parsed = urllib.parse.urlsplit(path)
    if method == "GET":
        return urllib.parse.parse_qs(parsed.query, errors="strict").get("query", [None])[0]
    if content_type.startswith("application/sparql-query"):
        return decoded(body, "query")
    if content_type.startswith(FORM):
        return urllib.parse.parse_qs(decoded(body, "form"), errors="strict").get("query", [None])[0]
    return None


def negotiate(accept: str, choices: list[tuple[str, object]]) -> tuple[str, object]:
    """The first of ``choices`` the Accept header names (in the header's order), else the first."""
    wanted = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    for media in wanted:
        for media_type, value in choices:
            if media == media_type:
                return media_type, value
    return choices[0]


def term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(value)
    if kind == "triple":
        return Triple(*(term(value[k]) for k in ("subject", "predicate", "object")))
    if "xml:lang" in binding:
        return Literal(value, language=binding["xml:lang"])
    return Literal(value, datatype=NamedNode(binding["datatype"])) if "datatype" in binding else Literal(value)


def body_of(result: QueryResult, accept: str) -> tuple[bytes, str]:
    if result.form in ("construct", "describe"):
        media_type, fmt = negotiate(accept, GRAPH_TYPES)
        triples = [Triple(term(b["subject"]), term(b["predicate"]), term(b["object"])) for b in result.bindings]
        return serialize(triples, format=fmt), media_type
    media_type, name = negotiate(accept, SELECT_TYPES)
    return serialize_results(result, name), results_format(name).media_type


def route_for(routes: Mapping[str, Route], path: str) -> Route | None:
    return next((serve for prefix, serve in routes.items() if path == prefix or path.startswith(prefix + "/")), None)


def handler_for(pool: WorkerPool, build_root: str, timeout: float, routes: Mapping[str, Route] | None = None):
    routes = dict(routes or {})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: the CLI prints what matters
            pass

        def _send(self, status: int, data: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in CORS.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _text(self, status: int, text: str) -> None:
            self._send(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """Requests the HTTP layer refuses before a route sees them (a request line over 64 KB, a
            malformed request): the status with a coded JSON reason, as the API answers, not an HTML page."""
            self.close_connection = True
            try:
                self._send(code, error_json(RequestError(message or explain or self.responses.get(code, ("",))[0])),
                           "application/json")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _handle(self) -> None:
            try:
                length = content_length(self.headers)
                body = self.rfile.read(length) if length else b""
                route = urllib.parse.urlsplit(self.path).path.rstrip("/") or "/"
                served = route_for(routes, route)
                if served is not None:
                    return self._send(*served(self.command, self.path, self.headers))
                if route.endswith("/update") or self.command not in ("GET", "POST", "HEAD"):
                    raise Refusal(403, "this endpoint is read-only: updates and writes are refused")
                if route == "/" and self.command in ("GET", "HEAD"):
                    return self._text(200, USAGE)
                if route != "/query":
                    raise Refusal(404, f"no such resource: {route}; send queries to /query")
                query = query_of(self.command, self.path, self.headers.get("Content-Type", ""), body)
                if query is None:
                    raise Refusal(400, "no query: send ?query=… (GET), a form field 'query' or an "
                                       "application/sparql-query body (POST)")
                checked = check_read_only(query)
                result = pool.run(build_root, checked, timeout)
                data, media_type = body_of(result, self.headers.get("Accept", ""))
                self._send(200, data, media_type)
            except Refusal as refusal:
                if route_for(routes, urllib.parse.urlsplit(self.path).path):  # the API answers in JSON
                    self._send(refusal.status, error_json(RequestError(refusal.message)), "application/json")
                else:
                    self._text(refusal.status, refusal.message)
            except QueryTimeoutError as err:
                self._text(503, f"{err.code}: {err.message}")
            except PCGError as err:
                self._text(400, f"{err.code}: {err.message}")
            except UnicodeDecodeError as err:
                self._text(400, f"the query is not valid UTF-8 (byte {err.start})")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client left; nothing to answer
            except Exception as err:  # noqa: BLE001 - a request must get an answer, never a traceback
                log.exception("request %s %s failed", self.command, self.path[:200])
                self._text(500, f"{InternalError.code}: the server failed while answering ({type(err).__name__})")

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = _handle

        def do_OPTIONS(self) -> None:
            self.send_response(204)
            for name, value in CORS.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


class QuietServer(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # no traceback on stderr for a dropped client
        pass


class SparqlEndpoint:
    """The server (a thread of this process) and its query workers, stopped together."""

    def __init__(self, host: str, port: int, build_root: str, timeout: float, workers: int | None = None,
                 routes: Mapping[str, Route] | None = None):
        self.pool = WorkerPool(workers or max(2, min(4, os.cpu_count() or 2)))
        self.pool.warm(build_root)
        self.http = QuietServer((host, port), handler_for(self.pool, build_root, timeout, routes))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.http.serve_forever, name="pcg-endpoint", daemon=True)
        self.thread.start()

    def terminate(self) -> None:
        if not self.stopped.is_set():
            self.http.shutdown()
            self.http.server_close()
            self.pool.stop()
            self.stopped.set()

    def wait(self, timeout: float | None = None) -> int:
        self.stopped.wait(timeout)
        return 0

    def poll(self):
        return 0 if self.stopped.is_set() else None


def start_endpoint(location: Path | None = None, host: str = "127.0.0.1", port: int | None = None,
                   timeout_s: int | None = None, routes: Mapping[str, Route] | None = None
                   ) -> tuple[SparqlEndpoint, str]:
    """The endpoint over the current build (or the build folder ``location``), answering in this
    process, and its query URL (``http://host:port/query``). It serves the build it started with; a
    build writes a *new* folder, so serving never blocks a rebuild: restart it to serve the newer one.
    ``routes``: what else it serves, by path prefix (:data:`Route`)."""
    port = port or free_port()
    require_free(host, port)
    build_root = str(location or require_current_build().root)
    try:
        endpoint = SparqlEndpoint(host, port, build_root, float(timeout_s or DEFAULT_TIMEOUT_S), routes=routes)
    except OSError as err:
        raise EndpointError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return endpoint, f"http://{host}:{port}/query"
