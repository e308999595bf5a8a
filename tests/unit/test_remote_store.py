"""The remote store's protocol choices, without an engine: form-encoded requests naming the
project's graphs, chunks that shrink when refused, blank nodes as skolem IRIs and back, answers cut
at a result cap refused, and credentials that never show."""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.parse

import pyoxigraph as ox
import pytest

from kg.errors import EndpointError, TruncatedResultError, UsageError
from kg.rdf.terms import graph_iri
from kg.store.remote import RemoteStore, dataset_fields, deskolemised_json, query_form
from kg.store.remote_auth import Credentials, credentials_for, from_netrc, redacted
from kg.store.skolem import deskolemise, genid_prefix, skolemise, skolemise_quad

SECRET = "s3cret-Pa55"
EMPTY_SELECT = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()


class FakeEndpoint:
    """Stands in for the HTTP opener: records each request, answers with ``reply(request)``."""

    def __init__(self, reply=None):
        self.requests: list[tuple[str, dict, list[tuple[str, str]]]] = []
        self.reply = reply or (lambda url, fields: (EMPTY_SELECT, {}))

    def open(self, request, timeout=None):
        fields = urllib.parse.parse_qsl(request.data.decode("ascii"))
        self.requests.append((request.full_url, dict(request.header_items()), fields))
        body, headers = self.reply(request.full_url, fields)
        if isinstance(body, int):  # an HTTP error status
            raise urllib.error.HTTPError(request.full_url, body, "refused", {}, io.BytesIO(headers.encode()))
        return FakeResponse(body, headers)


class FakeResponse(io.BytesIO):
    def __init__(self, body: bytes, headers: dict):
        super().__init__(body)
        self.headers = _Headers(headers)


class _Headers(dict):
    def items(self):
        return list(super().items())


def store_with(endpoint: FakeEndpoint, graphs=("http://example.org/graph/a",), dataset="listed") -> RemoteStore:
    """A store of ``graphs`` that lists them in its queries (``dataset=None``: as the environment says)."""
    store = RemoteStore("http://db.example/sparql", "http://db.example/update", credentials=None, graphs=graphs,
                        dataset=dataset)
    store._opener = endpoint
    return store


def test_queries_are_form_posts_that_name_the_projects_graphs():
    endpoint = FakeEndpoint()
    store_with(endpoint, graphs=("http://e/graph/a", "http://e/graph/b")).query("SELECT ?s WHERE { ?s ?p ?o }")
    url, headers, fields = endpoint.requests[0]
    assert headers["Content-type"].startswith("application/x-www-form-urlencoded")
    assert headers["Accept"] == "application/sparql-results+json"
    assert fields[0] == ("query", "SELECT ?s WHERE { ?s ?p ?o }")
    assert fields[1:] == dataset_fields(["http://e/graph/a", "http://e/graph/b"]) == [
        ("default-graph-uri", "http://e/graph/a"), ("default-graph-uri", "http://e/graph/b"),
        ("named-graph-uri", "http://e/graph/a"), ("named-graph-uri", "http://e/graph/b")]


def test_a_query_with_its_own_dataset_is_sent_without_one():
    endpoint = FakeEndpoint()
    store_with(endpoint).query("SELECT ?s FROM <http://x/g> WHERE { ?s ?p ?o }", use_default_graph_as_union=False)
    assert [name for name, _ in endpoint.requests[0][2]] == ["query"]


def test_with_the_endpoint_dataset_queries_name_no_graph_but_counting_does(monkeypatch):
    monkeypatch.setenv("PCG_SPARQL_DATASET", "endpoint")
    count = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}).encode()
    endpoint = FakeEndpoint(lambda url, fields: (count, {}))
    store = store_with(endpoint, graphs=("http://e/graph/a", "http://e/graph/b"), dataset=None)
    store.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert [name for name, _ in endpoint.requests[0][2]] == ["query"]
    assert len(store) == 7
    assert endpoint.requests[1][2][1:] == [("named-graph-uri", "http://e/graph/a"), ("named-graph-uri", "http://e/graph/b")]


def test_the_dataset_setting_must_be_one_of_its_values(monkeypatch):
    monkeypatch.setenv("PCG_SPARQL_DATASET", "everything")
    with pytest.raises(UsageError, match="PCG_SPARQL_DATASET must be one of auto, listed, endpoint"):
        RemoteStore("http://db.example/sparql", credentials=None)


PROJECT = graph_iri("").value  # where the project's graphs are named


def select_answer(variables: list[str], rows: list[dict]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": [
        {k: {"type": "uri", "value": v} for k, v in row.items()} for row in rows]}}).encode()


class ProbedEndpoint(FakeEndpoint):
    """An endpoint holding ``graphs`` (one triple each) whose default graph shows the triples of
    ``in_default``; ``unbound_graph_listing``: Virtuoso's answer to ``GRAPH ?g {}``."""

    def __init__(self, graphs, in_default, unbound_graph_listing=False):
        super().__init__(self.answer)
        self.graphs, self.in_default, self.unbound = graphs, in_default, unbound_graph_listing

    def answer(self, url, fields):
        query = dict(fields)["query"]
        if "GRAPH ?g { }" in query:
            return select_answer(["g"], [{}] if self.unbound else [{"g": g} for g in self.graphs]), {}
        if "DISTINCT ?g" in query:
            return select_answer(["g"], [{"g": g} for g in self.graphs]), {}
        if "LIMIT 1" in query:
            graph = re.search(r"VALUES \?g \{ <([^>]+)> \}", query).group(1)
            return select_answer(["s", "p", "o"], [{"s": graph + "#s", "p": "http://e/p", "o": "http://e/o"}]), {}
        if query.lstrip().startswith("VALUES") or "ASK" in query:
            subject = re.search(r"<([^>]+)#s>", query).group(1)
            return json.dumps({"head": {}, "boolean": subject in self.in_default}).encode(), {}
        return EMPTY_SELECT, {}


def auto_store(endpoint: ProbedEndpoint) -> RemoteStore:
    store = RemoteStore("http://db.example/sparql", credentials=None, dataset="auto")
    store._opener = endpoint
    return store


def sent_dataset(endpoint: FakeEndpoint) -> list[str]:
    return [name for name, _ in endpoint.requests[-1][2] if name != "query"]


@pytest.mark.parametrize("unbound_graph_listing", [False, True])
def test_auto_reads_the_endpoints_own_default_graph_when_it_is_the_projects_union(unbound_graph_listing):
    graphs = [PROJECT + n for n in "abcde"]
    endpoint = ProbedEndpoint(graphs, set(graphs), unbound_graph_listing)
    store = auto_store(endpoint)
    store.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert store.resolved_dataset() == "endpoint" and sent_dataset(endpoint) == []
    probed = [q for _, _, f in endpoint.requests for k, q in f if k == "query" and "LIMIT 1" in q]
    assert len(probed) == 3  # the first, middle and last graphs, once for the store's life
    store.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(endpoint.requests) == 1 + (1 if unbound_graph_listing else 0) + 2 * 3 + 2


@pytest.mark.parametrize("graphs, in_default", [
    ([PROJECT + "a", PROJECT + "b"], set()),  # an unnamed default graph
    ([PROJECT + "a", PROJECT + "b"], {PROJECT + "a"}),
    ([PROJECT + "a", "http://www.openlinksw.com/schemas/virtrdf#"],  # a system graph
     {PROJECT + "a", "http://www.openlinksw.com/schemas/virtrdf#"}),
])
def test_auto_lists_the_projects_graphs_unless_the_default_graph_is_exactly_their_union(graphs, in_default):
    endpoint = ProbedEndpoint(graphs, in_default)
    store = auto_store(endpoint)
    store.query("SELECT ?s WHERE { ?s ?p ?o }")
    project = [g for g in graphs if g.startswith(PROJECT)]
    assert store.resolved_dataset() == "listed"
    assert endpoint.requests[-1][2][1:] == dataset_fields(project)


def test_auto_decides_only_once_the_endpoint_holds_project_graphs():
    endpoint = ProbedEndpoint([], set())
    store = auto_store(endpoint)
    assert store.resolved_dataset() == "listed" and store._resolved is None
    endpoint.graphs = endpoint.in_default = [PROJECT + "a"]  # a build by another process
    assert store.resolved_dataset() == "endpoint"


def test_graph_forms_ask_for_n_triples():
    assert query_form("PREFIX s: <http://e/select#>\n# SELECT in a comment\nCONSTRUCT { ?s ?p ?o } WHERE {}") \
        == "construct"
    assert query_form("ASK {}") == "ask" and query_form("describe <http://e/x>") == "describe"
    endpoint = FakeEndpoint(lambda url, fields: (b"<http://e/s> <http://e/p> <http://e/o> .\n", {}))
    triples = store_with(endpoint).query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert endpoint.requests[0][1]["Accept"] == "application/n-triples" and len(triples) == 1


def test_updates_are_form_posts():
    endpoint = FakeEndpoint(lambda url, fields: (b"", {}))
    store_with(endpoint).update("DROP SILENT GRAPH <http://e/g>")
    url, headers, fields = endpoint.requests[0]
    assert url == "http://db.example/update" and fields == [("update", "DROP SILENT GRAPH <http://e/g>")]


def test_a_refused_chunk_is_sent_again_in_halves_and_the_smaller_size_kept(monkeypatch):
    monkeypatch.setenv("PCG_SPARQL_INSERT_CHUNK", "100")

    def refuse_big(url, fields):
        update = fields[0][1]
        if update.startswith("INSERT DATA") and update.count("\n") - 1 > 30:
            return 400, "Virtuoso 37000 Error SP030: SPARQL compiler: memory exhausted"
        return b"", {}

    endpoint = FakeEndpoint(refuse_big)
    store = store_with(endpoint)
    g = ox.NamedNode("http://e/graph/a")
    quads = [ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)), g)
             for i in range(250)]
    assert store.replace_graphs(quads) == 250
    inserted = [f[0][1] for _, _, f in endpoint.requests if f[0][1].startswith("INSERT DATA")]
    accepted = [u for u in inserted if u.count("\n") - 1 <= 30]
    assert sum(u.count("\n") - 1 for u in accepted) == 250  # every triple sent once, in accepted chunks
    assert store.insert_chunk == 25 and store.refusals[0][:2] == (100, 400)


def test_a_refusal_that_is_not_about_size_is_not_retried_forever():
    endpoint = FakeEndpoint(lambda url, fields: (500, "SR186: SECURITY: No permission")
                            if fields[0][1].startswith("INSERT") else (b"", {}))
    store = store_with(endpoint)
    g = ox.NamedNode("http://e/graph/a")
    with pytest.raises(EndpointError, match="SR186"):
        store.replace_graphs([ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"), g)])
    assert len(endpoint.requests) == 2  # the DROP, then the one-triple chunk: nothing to halve


def test_the_chunk_size_setting_must_be_a_number(monkeypatch):
    monkeypatch.setenv("PCG_SPARQL_INSERT_CHUNK", "lots")
    with pytest.raises(UsageError, match="PCG_SPARQL_INSERT_CHUNK"):
        RemoteStore("http://db.example/sparql", credentials=None)


def test_blank_nodes_go_as_skolem_iris_and_come_back_as_the_same_blank_nodes():
    blank, g = ox.BlankNode("b0f1"), ox.NamedNode("http://e/graph/ontology")
    quad = skolemise_quad(ox.Quad(blank, ox.NamedNode("http://e/p"), ox.BlankNode("c2"), g))
    assert quad.subject == ox.NamedNode(genid_prefix() + "b0f1") and quad.object.value.endswith("/genid/c2")
    assert deskolemise(quad.subject) == blank and deskolemise(skolemise(ox.Literal("x"))) == ox.Literal("x")
    assert deskolemise(ox.NamedNode(genid_prefix() + "a/b")) == ox.NamedNode(genid_prefix() + "a/b")
    answer = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": quad.subject.value}}]}}
    body = deskolemised_json(json.dumps(answer).encode(), genid_prefix())
    assert list(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))[0]["x"] == blank


def test_a_bound_blank_node_is_sent_as_its_skolem_iri():
    endpoint = FakeEndpoint()
    store_with(endpoint).query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={ox.Variable("o"): ox.BlankNode("b1")})
    assert f"VALUES ?o {{ <{genid_prefix()}b1> }}" in endpoint.requests[0][2][0][1]


def test_an_answer_cut_at_the_engines_cap_is_refused():
    endpoint = FakeEndpoint(lambda url, fields: (EMPTY_SELECT, {"X-SPARQL-MaxRows": "10000"}))
    with pytest.raises(TruncatedResultError, match="10000") as refused:
        store_with(endpoint).query("SELECT ?s WHERE { ?s ?p ?o }")
    assert refused.value.code == "E027"


def test_credentials_never_show(monkeypatch, tmp_path):
    credentials = Credentials("dba", SECRET)
    assert SECRET not in repr(credentials) and SECRET not in str(credentials)
    assert redacted(f"http://dba:{SECRET}@db.example:8890/sparql") == "http://db.example:8890/sparql"
    endpoint = FakeEndpoint(lambda url, fields: (401, ""))
    store = store_with(endpoint)
    with pytest.raises(EndpointError) as refused:
        store.update("DROP SILENT GRAPH <http://e/g>")
    assert "401" in str(refused.value) and "PCG_SPARQL_USER" in str(refused.value)
    store = RemoteStore(f"http://dba:{SECRET}@db.example/sparql", credentials=credentials)
    assert SECRET not in repr(store)


def test_credentials_come_from_the_environment_then_netrc(monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine db.example login reader password {SECRET}\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.delenv("PCG_SPARQL_USER", raising=False)
    assert credentials_for("http://db.example:8890/sparql-auth") == Credentials("reader", SECRET)
    assert credentials_for("http://elsewhere.example/sparql") is None
    monkeypatch.setenv("PCG_SPARQL_USER", "dba")
    monkeypatch.setenv("PCG_SPARQL_PASSWORD", "other")
    assert credentials_for("http://db.example/sparql") == Credentials("dba", "other")


def test_a_broken_netrc_is_reported_without_its_contents(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine db.example login reader password {SECRET} {SECRET}-again\n", encoding="utf-8")
    netrc.chmod(0o600)
    with pytest.raises(EndpointError) as refused:
        from_netrc("http://db.example/sparql", netrc)
    assert SECRET not in str(refused.value) and str(netrc) in str(refused.value)


def test_the_opener_answers_basic_and_digest_challenges():
    from kg.store.remote_auth import opener

    handlers = {type(h).__name__ for h in opener(["http://db.example/sparql"], Credentials("u", "p")).handlers}
    assert {"HTTPDigestAuthHandler", "HTTPBasicAuthHandler"} <= handlers
    assert not {"HTTPDigestAuthHandler", "HTTPBasicAuthHandler"} & {
        type(h).__name__ for h in opener(["http://db.example/sparql"], None).handlers}

