"""A SPARQL 1.1 Protocol client that stands in for the embedded store (the remote-store option).

``RemoteStore.query`` takes the same arguments as ``pyoxigraph.Store.query`` and returns the same
result objects (parsed with pyoxigraph from ``application/sparql-results+json`` or N-Triples),
so ``kg.store.queries.select`` and the readers run unchanged on either store. The protocol has no
equivalent of Oxigraph's ``substitutions``, so bound values become a ``VALUES`` block at the
start of the query's outer group; the values are serialised by pyoxigraph, never pasted text.

Protocol choices that every engine answers (tried on an Oxigraph server and Virtuoso 7.2):

- Queries and updates are URL-encoded form ``POST``s (``query=`` / ``update=``). A direct ``POST``
  with ``Content-Type: application/sparql-query`` is never answered by Virtuoso 7.2.5, so it is not
  used at all.
- The dataset: an engine's own default graph may be the union of all its graphs, system graphs
  included (Virtuoso), or only its unnamed graph (Fuseki, Oxigraph without
  ``--union-default-graph``). ``PCG_SPARQL_DATASET=listed`` names the project's graphs (those under
  ``<base>graph/``, found once per store) in each query as ``default-graph-uri`` and
  ``named-graph-uri``, so the queries see exactly the project's graphs, as on the embedded store,
  on any engine. But both engines tried read a listed default graph one graph at a time, so a
  listed query slows down with the number of graphs (a corpus 10 times today's, 156 to 186 graphs:
  Virtuoso 10 to 150 times slower than its own default graph, an Oxigraph server up to 150 times).
  ``endpoint`` sends no dataset: queries read the engine's own default graph and named graphs,
  right for an engine whose default graph is the union of the project's graphs. ``auto`` (the
  default) probes the endpoint once there are project graphs: ``endpoint`` when it holds no other
  named graph and its default graph shows a triple of each sampled project graph (first, middle,
  last), else ``listed``. So an Oxigraph server with ``--union-default-graph`` is read fast and
  exactly, and Virtuoso, whose system graphs are in its union, is read exactly; set ``endpoint``
  there to read it fast past a few dozen graphs (its system graphs then match no library or reader
  query, tested, though a hand-written query may see them). Counting the store and exporting it
  name the project's graphs whatever the setting.
- Blank nodes are sent as skolem IRIs and read back as the same blank nodes (kg.store.skolem).
- The build loads per named graph: ``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks of
  ``PCG_SPARQL_INSERT_CHUNK`` triples (default 2,000), halved and retried whenever the endpoint
  refuses one (Virtuoso's parser gives up near 5,000). Not atomic: readers may see a half-loaded
  graph while a build runs.
- An answer the endpoint cut at its result cap (Virtuoso's ``ResultSetMaxRows``, 10,000 by default,
  said only in an ``X-SPARQL-MaxRows`` header on a SELECT's answer; a CONSTRUCT's is cut with no
  word at all) is refused with E027, never read as complete; the whole-store read
  (:meth:`RemoteStore.quads_for_pattern`, used by ``kg export``) selects each graph's triples in
  pages by subject hash until each page is whole, and checks each graph's total against ``COUNT``.
- Credentials (HTTP Basic or Digest) come from the environment or netrc (kg.store.remote_auth).
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, QueryResultsFormat, Quad, RdfFormat, Triple, parse, parse_query_results

from kg.config import sparql_dataset, sparql_insert_chunk
from kg.errors import EndpointError, QueryTimeoutError, TruncatedResultError, UsageError
from kg.rdf.terms import graph_iri, sparql_prologue
from kg.store.bound_values import with_values
from kg.store.remote_auth import Credentials, credentials_for, opener, redacted
from kg.store.skolem import deskolemise, genid_prefix, skolemise, skolemise_quad

INSERT_CHUNK = 2000  # triples per INSERT DATA request, unless PCG_SPARQL_INSERT_CHUNK says otherwise
MIN_INSERT_CHUNK = 8  # a refusal of fewer triples than this is not about the request's size
DEFAULT_TIMEOUT = 120.0
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"  # Virtuoso: the answer stopped at this many rows
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
HASH_DIGITS = "0123456789abcdef"
FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_NO_CREDENTIALS = object()
# Virtuoso echoes each graph of a query's dataset as a header of its own (X-SPARQL-default-graph,
# X-SPARQL-named-graph), so a dataset of 50 graphs passes http.client's limit of 100 headers and
# every answer was refused (met at 10 times today's graph, bench/scale_bench.py). The limit guards
# against a hostile server; the endpoint here is the operator's own choice.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 100_000)


class Refused(Exception):
    """An HTTP error answer (status, first lines of its body); turned into a coded error by callers."""

    def __init__(self, status: int, lines: list[str]):
        self.status, self.first_line, self.detail = status, (lines or [""])[0], " ".join(lines)[:300]
        super().__init__(self.detail)


def query_form(text: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``: the first form keyword outside IRIs and
    comments (the prologue holds nothing else)."""
    bare = re.sub(r"#[^\n]*", "", re.sub(r"<[^<>\s]*>", "<>", text))
    found = FORM_RE.search(bare)
    return found.group(1).lower() if found else "select"


def dataset_fields(graphs: Iterable[str]) -> list[tuple[str, str]]:
    """The protocol's dataset: every graph as a default graph (their union, as the embedded store
    reads) and as a named graph (for ``GRAPH ?g``)."""
    graphs = list(graphs)
    return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]


def deskolemised_json(body: bytes, prefix: str) -> bytes:
    """A SPARQL JSON answer with the skolem IRIs in it turned back into their blank nodes."""
    if prefix.encode("utf-8") not in body.replace(b"\\/", b"/"):
        return body
    answer = json.loads(body)
    for row in answer.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "uri":
                term = deskolemise(NamedNode(value["value"]), prefix)
                if not isinstance(term, NamedNode):
                    value.update(type="bnode", value=term.value)
    return json.dumps(answer).encode("utf-8")


def insert_chunk_setting() -> int:
    """Triples per ``INSERT DATA`` request: ``PCG_SPARQL_INSERT_CHUNK``, else :data:`INSERT_CHUNK`."""
    value = sparql_insert_chunk()
    if not value:
        return INSERT_CHUNK
    try:
        return max(1, int(value))
    except ValueError:
        raise UsageError(f"PCG_SPARQL_INSERT_CHUNK must be a whole number of triples, not {value!r}") from None


DATASETS = ("auto", "listed", "endpoint")


def dataset_setting(chosen: str | None = None) -> str:
    """How queries name their dataset: ``chosen``, else ``PCG_SPARQL_DATASET``, else ``auto``."""
    value = chosen or sparql_dataset() or DATASETS[0]
    if value not in DATASETS:
        source = "the dataset" if chosen else "PCG_SPARQL_DATASET"
        raise UsageError(f"{source} must be one of {', '.join(DATASETS)}, not {value!r}")
    return value


class RemoteStore:
    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = DEFAULT_TIMEOUT, *,
                 credentials: Credentials | None = _NO_CREDENTIALS, graphs: Iterable[str] | None = None,
                 dataset: str | None = None):
        """``credentials`` default to the configured ones (kg.store.remote_auth); ``graphs`` to the
        project's graphs the endpoint holds, found at the first query; ``dataset`` (``auto``,
        ``listed`` or ``endpoint``, see the module's notes) to ``PCG_SPARQL_DATASET``."""
        self.query_url, self.update_url, self.timeout = query_url, update_url, timeout
        if credentials is _NO_CREDENTIALS:
            credentials = credentials_for(update_url or query_url)
        self._opener = opener([query_url, update_url or ""], credentials)
        self._graphs = tuple(graphs) if graphs is not None else None
        self._named: tuple[str, ...] | None = None
        self._resolved: str | None = None  # what the auto dataset found
        self.insert_chunk = insert_chunk_setting()
        self.dataset = dataset_setting(dataset)
        self.refusals: list[tuple[int, int, str]] = []  # (triples, HTTP status, reason) of refused chunks

    def __repr__(self) -> str:
        return f"RemoteStore({redacted(self.query_url)!r})"

    # --- HTTP -------------------------------------------------------------------------------------

    def _send(self, url: str, fields: list[tuple[str, str]], accept: str | None = None,
              timeout: float | None = None) -> tuple[bytes, dict]:
        """POST ``fields`` as a URL-encoded form; the body and headers, or :class:`Refused`."""
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if accept:
            headers["Accept"] = accept
        data = urllib.parse.urlencode(fields).encode("ascii")
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        seconds = timeout or self.timeout
        try:
            with self._opener.open(request, timeout=seconds) as response:
                return response.read(), dict(response.headers.items())
        except urllib.error.HTTPError as err:
            raise Refused(err.code, err.read().decode("utf-8", "replace").strip().splitlines()) from None
        except TimeoutError:
            raise QueryTimeoutError(f"{redacted(url)} did not answer within {seconds:.0f} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise QueryTimeoutError(f"{redacted(url)} did not answer within {seconds:.0f} s") from None
            raise EndpointError(f"cannot reach the SPARQL endpoint {redacted(url)}: {err.reason}") from None

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str | None = None,
              timeout: float | None = None) -> tuple[bytes, dict]:
        try:
            return self._send(url, fields, accept, timeout)
        except Refused as refused:
            raise self._error(url, refused) from None

    @staticmethod
    def _error(url: str, refused: Refused) -> Exception:
        if refused.status == 400 and "error at" in refused.first_line:
            return SyntaxError(refused.first_line)
        if refused.status in (401, 403):
            return EndpointError(
                f"{redacted(url)} refused the request ({refused.status}): give credentials it accepts in "
                "PCG_SPARQL_USER and PCG_SPARQL_PASSWORD, or in a netrc entry for its host")
        return EndpointError(f"{redacted(url)} answered {refused.status}: {refused.detail}")

    # --- reading ----------------------------------------------------------------------------------

    def named_graphs(self) -> tuple[str, ...]:
        """Every named graph on the endpoint, the project's and any other, found once. ``GRAPH ?g {}``
        lists them without reading their triples; Virtuoso 7.2 answers it with one unbound row, so
        there (and on an empty store) they are found from their triples. None found is not kept:
        a build in another process may fill the store."""
        if not self._named:
            found = self._column("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "g")
            if not found or None in found:
                found = self._column("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "g")
            self._named = tuple(sorted(g for g in found if g is not None))
        return self._named

    def graphs(self) -> tuple[str, ...]:
        """The project's named graphs on the endpoint (IRIs under ``<base>graph/``), found once there
        are any."""
        if not self._graphs:
            prefix = graph_iri("").value
            self._graphs = tuple(g for g in self.named_graphs() if g.startswith(prefix))
        return self._graphs

    def _column(self, text: str, variable: str) -> list[str | None]:
        body, headers = self._post(self.query_url, [("query", text)], RESULTS_JSON)
        self._check_complete(body, headers, text)
        rows = parse_query_results(body, format=QueryResultsFormat.JSON)
        return [row[variable].value if row[variable] is not None else None for row in rows]

    def resolved_dataset(self) -> str:
        """``listed`` or ``endpoint``: the setting, or for ``auto`` what the endpoint shows (see the
        module's notes). Decided once the endpoint holds project graphs; ``listed`` until then."""
        if self.dataset != "auto":
            return self.dataset
        if self._resolved is None:
            graphs = self.graphs()
            if not graphs:
                return "listed"  # nothing to probe yet (an empty dataset); decided at a later query
            sampled = sorted({graphs[0], graphs[len(graphs) // 2], graphs[-1]})
            only_project = set(self.named_graphs()) <= set(graphs)
            union = only_project and all(self._in_default_graph(g) for g in sampled)
            self._resolved = "endpoint" if union else "listed"
        return self._resolved

    def _in_default_graph(self, graph: str) -> bool:
        """Whether a triple of ``graph`` is also in the endpoint's own default graph. The triple has no
        blank node: a blank node cannot be bound in a query, so it could not be asked after."""
        sample = list(self.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } } "
                                 "LIMIT 1",
                                 substitutions={"g": NamedNode(graph)}, use_default_graph_as_union=False))
        if not sample:
            return True  # an empty graph has nothing the default graph could lack
        triple = {name: sample[0][name] for name in ("s", "p", "o")}
        return bool(self.query("ASK { ?s ?p ?o }", substitutions=triple, use_default_graph_as_union=False))

    def query(self, query: str, *, prefixes: dict | None = None, use_default_graph_as_union: bool = True,
              substitutions: dict | None = None, timeout: float | None = None, **_ignored):
        """Like ``pyoxigraph.Store.query``: QuerySolutions, QueryBoolean or a list of triples. With
        ``use_default_graph_as_union`` (the readers' way), the query reads the project's graphs
        whatever the endpoint's default graph is; without it, the dataset its own FROM names."""
        text = with_values(query, {var: skolemise(term) for var, term in (substitutions or {}).items()})
        if prefixes is not None:
            text = sparql_prologue() + text
        fields = [("query", text)]
        if use_default_graph_as_union and self.resolved_dataset() == "listed":
            fields += dataset_fields(self.graphs() or [graph_iri("").value])  # none yet: an empty dataset
        graph_form = query_form(text) in ("construct", "describe")
        body, headers = self._post(self.query_url, fields, N_TRIPLES if graph_form else RESULTS_JSON, timeout)
        if graph_form:
            self._check_complete(body, headers, text)
            prefix = genid_prefix()
            return [Triple(deskolemise(t.subject, prefix), t.predicate, deskolemise(t.object, prefix))
                    for t in parse(body, format=RdfFormat.N_TRIPLES)]
        body = deskolemised_json(body, genid_prefix())
        self._check_complete(body, headers, text)
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def _check_complete(self, body: bytes, headers: dict, text: str) -> None:
        cap = next((v for k, v in headers.items() if k.lower() == MAX_ROWS_HEADER.lower()), None)
        if cap is not None:
            first = " ".join(line.strip() for line in text.splitlines() if line.strip()
                             and not line.lstrip().startswith(("#", "PREFIX", "prefix")))[:80]
            raise TruncatedResultError(
                f"{redacted(self.query_url)} stopped the answer at its result cap of {cap} rows "
                f"({MAX_ROWS_HEADER}), so it is incomplete and was not used: {first} … — raise the "
                "engine's cap (Virtuoso: ResultSetMaxRows in virtuoso.ini) or narrow the query")

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph_name=None) -> Iterator[Quad]:
        """Every quad of the project's graphs (the only pattern supported: all four None), complete:
        each graph is read whole, or in pages by the MD5 of the subject when the endpoint caps
        answers (E027), and its total is checked against ``COUNT(*)``."""
        if any(t is not None for t in (subject, predicate, obj, graph_name)):
            raise NotImplementedError("a remote store lists all its quads only")
        prefix = genid_prefix()
        for graph in self.graphs():
            triples = self._graph_triples(graph)
            expected = self._count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            if len(triples) != expected:
                raise TruncatedResultError(f"{redacted(self.query_url)} gave {len(triples)} triples of graph "
                                           f"<{graph}>, which holds {expected}: the export would be incomplete")
            g = NamedNode(graph)
            for t in sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))):
                yield Quad(deskolemise(t.subject, prefix), t.predicate, deskolemise(t.object, prefix), g)

    def _graph_triples(self, graph: str, hashed: str = "") -> list[Triple]:
        """The graph's triples whose subject's MD5 starts with ``hashed``: whole, else 16 pages each
        one hex digit longer (where the endpoint caps an answer). A SELECT, not a CONSTRUCT: Virtuoso
        cuts a CONSTRUCT at its cap without a word, and a SELECT with its header."""
        test = f" FILTER(STRSTARTS(MD5(STR(?s)), \"{hashed}\"))" if hashed else ""
        text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}{test} }}"
        body, headers = self._post(self.query_url, [("query", text)], RESULTS_JSON)
        try:
            self._check_complete(body, headers, text)
        except TruncatedResultError:
            if len(hashed) >= 4:  # 65,536 pages and still capped: the cap is not worth paging under
                raise
            return [t for digit in HASH_DIGITS for t in self._graph_triples(graph, hashed + digit)]
        return [Triple(r["s"], r["p"], r["o"]) for r in parse_query_results(body, format=QueryResultsFormat.JSON)]

    def _count(self, text: str, dataset: list[tuple[str, str]] | None = None) -> int:
        body, _ = self._post(self.query_url, [("query", text)] + (dataset or []), RESULTS_JSON)
        return int(next(iter(parse_query_results(body, format=QueryResultsFormat.JSON)))["n"].value)

    def __len__(self) -> int:
        """Triples in the project's graphs (named whatever the dataset setting: a cheap list on
        every engine tried, unlike a listed default graph)."""
        return self._count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                           [("named-graph-uri", g) for g in self.graphs() or [graph_iri("").value]])

    # --- writing ----------------------------------------------------------------------------------

    def _update_url(self) -> str:
        if not self.update_url:
            raise EndpointError("no SPARQL update URL is configured (PCG_SPARQL_UPDATE_URL or --update-endpoint)")
        return self.update_url

    def update(self, update: str) -> None:
        self._post(self._update_url(), [("update", update)])

    def replace_graphs(self, quads: Iterable) -> int:
        """Replace each named graph that ``quads`` fills; returns the number of quads sent. Blank nodes
        go as skolem IRIs; a chunk the endpoint refuses is sent again in halves (and the smaller size
        kept for the rest of the load)."""
        return self.insert_quads(quads, replace=True)

    def insert_quads(self, quads: Iterable, replace: bool = False) -> int:
        """Add ``quads`` to their named graphs (each emptied first when ``replace``), in chunks that
        halve when the endpoint refuses one; returns the number of quads sent."""
        by_graph: dict[str, list[str]] = {}
        for q in map(skolemise_quad, quads):
            by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
        sent = 0
        for graph, triples in by_graph.items():
            if replace:
                self.update(f"DROP SILENT GRAPH {graph}")
            start = 0
            while start < len(triples):
                chunk = triples[start:start + self.insert_chunk]
                self._insert(graph, chunk)
                start += len(chunk)
                sent += len(chunk)
        self._graphs = self._named = self._resolved = None  # found again at the next query
        return sent

    def _insert(self, graph: str, triples: list[str]) -> None:
        url = self._update_url()
        text = "INSERT DATA { GRAPH " + graph + " {\n" + "\n".join(triples) + "\n} }"
        try:
            self._send(url, [("update", text)])
        except Refused as refused:
            if refused.status in (401, 403) or len(triples) <= MIN_INSERT_CHUNK:
                raise self._error(url, refused) from None
            self.refusals.append((len(triples), refused.status, refused.first_line[:200]))
            self.insert_chunk = max(MIN_INSERT_CHUNK, len(triples) // 2)
            half = len(triples) // 2
            self._insert(graph, triples[:half])
            self._insert(graph, triples[half:])
