"""Queries that try to leave the graph or change it, or to confuse the check (issue #15, items 1, 12,
19 and 22), through the console's runner, `kg sparql` and the app's SPARQL page. A federated query
must never reach the internal service the recorder stands for."""

from __future__ import annotations

import pytest

from kg.errors import ForbiddenQueryError, QuerySyntaxError
from tests.conftest import REPO, run_cli

DISGUISES = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "escaped name hides a comment": "PREFIX ex: <http://example.org/>\n"
                                    "SELECT * WHERE {{ ex:a\\#b ?p ?o . SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "LATERAL": "SELECT * WHERE {{ ?s ?p ?o LATERAL {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
    "lower case, SILENT": "select * where {{ service silent <{url}> {{ ?x ?y ?z }} }}",
    "in a subquery": "SELECT * WHERE {{ {{ SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }}",
    "in OPTIONAL and UNION": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ OPTIONAL {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }}",
    "in FILTER EXISTS": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
    "after a multi-line string": 'SELECT * WHERE {{ ?s ?p """a\n# not a comment""" . SERVICE <{url}> {{ ?x ?y ?z }} }}',
    "codepoint escape": "SELECT * WHERE {{ SE\\u0052VICE <{url}> {{ ?x ?y ?z }} }}",
    "variable IRI": "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?x ?y ?z }} }}",
    "unclosed string then SERVICE": "SELECT * WHERE {{ ?s ?p \"open . SERVICE <{url}> {{ ?x ?y ?z }} }}",
}
UPDATES = ["INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "DELETE WHERE { ?s ?p ?o }",
           "LOAD <http://example.org/x.ttl>", "CLEAR ALL", "DROP ALL", "CREATE GRAPH <http://e/g>",
           "ADD DEFAULT TO <http://e/g>", "MOVE DEFAULT TO <http://e/g>", "COPY DEFAULT TO <http://e/g>",
           "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
           "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"]


@pytest.mark.parametrize("name", list(DISGUISES))
def test_a_federated_query_in_any_disguise_is_refused_and_reaches_nothing(built_graph, recorder, name):
    from kg.sparql.console import run

    url, hits = recorder
    query = DISGUISES[name].format(url=url)
    with pytest.raises((ForbiddenQueryError, QuerySyntaxError)):
        run(query, row_cap=10, timeout=10)  # the console's path: a worker process
    with pytest.raises((ForbiddenQueryError, QuerySyntaxError)):
        run(query)  # the CLI's default path: in this process
    cli = run_cli("sparql", query, "--format", "json")
    assert cli.returncode == 2 and ("[E020]" in cli.stderr or "[E021]" in cli.stderr), cli.stderr
    assert "LEAKED" not in cli.stdout and "Traceback" not in cli.stderr
    assert hits == [], f"the query reached the internal service: {hits}"


@pytest.mark.parametrize("update", UPDATES)
def test_every_update_form_is_refused_with_the_store_unchanged(built_graph, update):
    from kg.store import read
    from kg.sparql.console import run

    before = len(read.store())
    with pytest.raises(ForbiddenQueryError) as refused:
        run(update, timeout=10)
    assert "not allowed" in str(refused.value)
    assert len(read.store()) == before


def test_a_prefix_named_service_is_only_a_name(built_graph):
    from kg.sparql.console import run

    result = run("PREFIX SERVICE: <https://w3id.org/policy-coherence-graph/ontology#>\n"
                 "SELECT ?p WHERE { ?p a SERVICE:Provision } LIMIT 1")
    assert len(result.bindings) == 1


def test_the_sparql_page_refuses_a_crafted_link_without_calling_out(built_graph, recorder):
    """The SPARQL page runs the query in its URL when opened: a link must not make the host call an
    internal URL."""
    from tests.test_app import page_text, run_app

    url, hits = recorder
    at = run_app(page="ui/sparql.py", query=DISGUISES["escaped name hides a comment"].format(url=url))
    assert not at.exception
    assert "E020" in page_text(at) and "LEAKED" not in page_text(at)
    assert hits == []


def test_deep_nesting_huge_and_misencoded_queries_get_one_line_errors(built_graph, tmp_path):
    deep = run_cli("sparql", "SELECT * WHERE " + "{" * 60 + " ?s ?p ?o " + "}" * 60)
    assert deep.returncode == 2 and "[E021]" in deep.stderr and "nested 60 deep" in deep.stderr
    assert "Traceback" not in deep.stderr and "RecursionError" not in deep.stderr
    huge = tmp_path / "huge.rq"
    huge.write_text("SELECT * WHERE { ?s ?p ?o . VALUES ?o { " + '"x" ' * 260_000 + "} }", encoding="utf-8")
    refused = run_cli("sparql", str(huge))
    assert refused.returncode == 2 and "[E021]" in refused.stderr and "characters long" in refused.stderr
    bad = tmp_path / "latin1.rq"
    bad.write_bytes("SELECT * WHERE { ?s ?p \"caf\xe9\" }".encode("latin-1"))
    misencoded = run_cli("sparql", str(bad))
    assert misencoded.returncode == 2 and f"{bad}:1" in misencoded.stderr and "UTF-8" in misencoded.stderr


def test_from_names_the_graphs_a_query_reads(built_graph):
    """Item 22: FROM was silently ignored (every query read the union of all graphs)."""
    from kg.sparql.console import run

    graph = "https://w3id.org/policy-coherence-graph/graph/palermo-protocol"
    one = run(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}").bindings[0]["n"]["value"]
    union = run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").bindings[0]["n"]["value"]
    assert 1000 < int(one) < int(union) / 20


def test_every_library_query_is_a_complete_sparql_document(built_graph):
    """Item 19: a researcher who copies a .rq file into another client must not meet 'Prefix not
    found': each file declares its prefixes and runs with no prefix supplied."""
    from rdflib.plugins.sparql import prepareQuery

    from kg.store import read

    store = read.store()
    for path in sorted((REPO / "kg" / "queries").rglob("*.rq")):
        text = path.read_text(encoding="utf-8")
        prepareQuery(text)  # rdflib refuses an undeclared prefix
        if "?" not in text.split("WHERE", 1)[0] or path.parent.name == "readers":
            continue
        store.query(text, use_default_graph_as_union=True)  # and Oxigraph needs no prefixes either


def test_search_says_what_it_cannot_do(built_graph):
    """Item 22: `-k 0` returned one result, an unknown instrument returned []."""
    zero = run_cli("search", "forced labour", "-k", "0")
    assert zero.returncode == 2 and "-k must be 1 or more" in zero.stderr
    unknown = run_cli("search", "forced labour", "--instrument", "nope")
    assert unknown.returncode == 2 and "no instrument 'nope'" in unknown.stderr and "uk-msa-2015" in unknown.stderr


def test_the_guard_reads_tokens_as_the_grammar_does():
    from kg.sparql.read_only import check_read_only

    checked = check_read_only("SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://x/> in a comment")
    assert "SERVICE" not in checked.text and checked.text.startswith("SELECT ?s WHERE { ?s ?p ?o }")
    assert check_read_only('ASK { ?s ?p "SERVICE" }').form == "ask"
    with pytest.raises(QuerySyntaxError) as err:
        check_read_only("SELECT * WHERE { ?s ?p ?o ")
    assert "never closed" in str(err.value)
