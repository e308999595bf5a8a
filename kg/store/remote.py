"""A SPARQL 1.1 Protocol client that stands in for the embedded store (the remote-store option).

``RemoteStore.query`` takes the same arguments as ``pyoxigraph.Store.query`` and returns the same
result objects (parsed with pyoxigraph from ``application/sparql-results+json`` or N-Triples),
so ``kg.store.queries.select`` and the readers run unchanged on either store. The protocol has no
equivalent of Oxigraph's ``substitutions``, so bound values become a ``VALUES`` block at the
start of the query's outer group; the values are serialised by pyoxigraph, never pasted text.

The endpoint must expose the union of the named graphs as its default graph, as the embedded
store does (``oxigraph serve --union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``;
GraphDB does by default). The build loads through the update URL: per named graph, ``DROP
SILENT GRAPH`` then ``INSERT DATA`` in chunks — not atomic: readers may see a half-loaded graph
while a build runs.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from kg.errors import EndpointError, QueryTimeoutError
from kg.rdf.terms import sparql_prologue
from kg.store.bound_values import with_values

INSERT_CHUNK = 5000  # triples per INSERT DATA request
DEFAULT_TIMEOUT = 120.0


class RemoteStore:
    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.query_url, self.update_url, self.timeout = query_url, update_url, timeout

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _post(self, url: str, body: str, content_type: str, accept: str | None = None,
              timeout: float | None = None) -> bytes:
        headers = {"Content-Type": content_type + "; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            if err.code == 400 and detail and "error at" in detail[0]:
                raise SyntaxError(detail[0]) from None
            raise EndpointError(f"{url} answered {err.code}: {' '.join(detail)[:300]}") from None
        except TimeoutError:
            raise QueryTimeoutError(f"{url} did not answer within {timeout or self.timeout:.0f} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise QueryTimeoutError(f"{url} did not answer within {timeout or self.timeout:.0f} s") from None
            raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {err.reason}") from None

    def query(self, query: str, *, prefixes: dict | None = None, use_default_graph_as_union: bool = True,
              substitutions: dict | None = None, timeout: float | None = None, **_ignored):
        """Like ``pyoxigraph.Store.query``: QuerySolutions, QueryBoolean or a list of triples."""
        text = with_values(query, substitutions or {})
        if prefixes is not None:
            text = sparql_prologue() + text
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        body = self._post(self.query_url, text, "application/sparql-query", accept, timeout)
        if body.lstrip()[:1] in (b"{", b"["):
            return parse_query_results(body, format=QueryResultsFormat.JSON)
        return list(parse(body, format=RdfFormat.N_TRIPLES))  # CONSTRUCT / DESCRIBE: the triples

    def update(self, update: str) -> None:
        if not self.update_url:
            raise EndpointError("no SPARQL update URL is configured (PCG_SPARQL_UPDATE_URL or --update-endpoint)")
        self._post(self.update_url, update, "application/sparql-update")

    def replace_graphs(self, quads: Iterable) -> int:
        """Replace each named graph that ``quads`` fills; returns the number of quads sent."""
        by_graph: dict[str, list[str]] = {}
        for q in quads:
            by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
        sent = 0
        for graph, triples in by_graph.items():
            self.update(f"DROP SILENT GRAPH {graph}")
            for start in range(0, len(triples), INSERT_CHUNK):
                chunk = "\n".join(triples[start:start + INSERT_CHUNK])
                self.update(f"INSERT DATA {{ GRAPH {graph} {{\n{chunk}\n}} }}")
                sent += len(triples[start:start + INSERT_CHUNK])
        return sent

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

