"""A researcher's SPARQL story: the query library, a read-only console with limits, results in the
W3C formats, whole-graph dumps that parse back, and a read-only endpoint for other tools."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from rdflib.query import Result

from kg.errors import ForbiddenQueryError, QuerySyntaxError, QueryTimeoutError
from kg.store.queries import library, runnable_library_query
from tests.conftest import run_cli

LIBRARY = [q["name"] for q in library()]
FORBIDDEN = {
    "INSERT DATA": "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "INSERT/DELETE": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://example.org/data.ttl>",
    "CLEAR": "CLEAR ALL",
    "DROP": "DROP GRAPH <https://w3id.org/policy-coherence-graph/graph/uk-msa-2015>",
    "SERVICE": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "nested SERVICE": "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT "
                      "<http://example.org/sparql> { ?s ?q ?z } } } } }",
}


def test_library_has_a_dozen_documented_queries():
    assert len(LIBRARY) >= 12
    for q in library():
        assert q["title"] and q["description"], q["name"]


@pytest.mark.parametrize("name", LIBRARY)
def test_every_library_query_returns_rows(built_graph, name):
    from kg.sparql.console import run

    result = run(runnable_library_query(name))
    assert result.bindings, f"{name} returned no rows"


def test_financial_sector_query_finds_obligations_on_banks_and_fius(built_graph):
    from kg.sparql.console import run

    kinds = {b["kindCode"]["value"] for b in run(runnable_library_query("financial_sector_obligations")).bindings}
    assert {"financial_institution", "fiu"} <= kinds


@pytest.mark.parametrize("form", list(FORBIDDEN))
def test_forbidden_forms_are_refused_and_nothing_changes(built_graph, form):
    from kg.store import read
    from kg.sparql.console import run

    before = len(read.store())
    with pytest.raises(ForbiddenQueryError) as refused:
        run(FORBIDDEN[form], row_cap=10, timeout=10)
    assert "not allowed" in str(refused.value)
    assert len(read.store()) == before
    cli = run_cli("sparql", FORBIDDEN[form])
    assert cli.returncode == 2 and "[E020]" in cli.stderr


def test_syntax_error_names_line_and_column_with_a_caret(built_graph):
    from kg.sparql.console import run

    with pytest.raises(QuerySyntaxError) as err:
        run("SELECT ?s\nWHERE {\n  ?s pcg:citation ?c .\n  FILTER(?c = )\n}")
    message = str(err.value)
    assert "[E021]" in message and "line 4" in message and "column" in message
    assert "FILTER(?c = )" in message and "^" in message


def test_row_cap_says_it_was_reached_and_how_to_get_more(built_graph):
    from kg.sparql.console import run

    result = run("SELECT ?s ?c WHERE { ?s pcg:citation ?c }", row_cap=100, timeout=20)
    assert result.truncated and len(result.bindings) == 100
    assert "row cap of 100" in result.limit_message().lower() and "python -m kg sparql" in result.limit_message()
    assert len(run("SELECT ?s ?c WHERE { ?s pcg:citation ?c }").bindings) > 4000  # the CLI path has no cap


def test_time_limit_stops_a_runaway_query(built_graph):
    from kg.sparql.console import run

    with pytest.raises(QueryTimeoutError) as err:
        run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", row_cap=10, timeout=1)
    assert "time limit of 1 s" in str(err.value)
    assert run("ASK { ?s pcg:citation ?c }", timeout=10).boolean is True  # a fresh worker answers


def test_downloads_parse_as_w3c_results_and_open_as_csv(built_graph):
    from kg.sparql.result_formats import serialize
    from kg.sparql.console import run

    result = run("SELECT ?id ?title ?date WHERE { ?i a pcg:Instrument ; dcterms:identifier ?id ; dcterms:title ?title "
                 ". OPTIONAL { ?i eli:version_date ?date } }")
    n = len(result.bindings)
    rows = list(csv.DictReader(io.StringIO(serialize(result, "csv").decode("utf-8"))))
    assert len(rows) == n and rows[0].keys() == {"id", "title", "date"}
    for fmt in ("json", "xml", "tsv"):
        parsed = Result.parse(io.BytesIO(serialize(result, fmt)), format=fmt)
        assert len(parsed.bindings) == n, fmt
    tsv = serialize(result, "tsv").decode("utf-8")
    assert "^^<http://www.w3.org/2001/XMLSchema#date>" in tsv or "@en" in tsv  # datatypes/tags kept


def test_cli_prints_a_table_and_each_format(built_graph):
    table = run_cli("sparql", "binding_vs_soft", check=True)
    assert table.stdout.splitlines()[0].split()[:2] == ["instrumentId", "modality"]
    as_json = json.loads(run_cli("sparql", "instruments", "--format", "json", check=True).stdout)
    assert len(as_json["results"]["bindings"]) >= 14
    assert run_cli("sparql", "kg/queries/readers/not_extracted.rq", "--format", "csv", check=True).stdout.startswith("id,note")


def test_a_long_query_given_as_text_runs(built_graph):
    """Regression: query text was first looked up as a library file name, and a name over 255 bytes
    crashed the command with "File name too long"."""
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # " + "x" * 300
    result = run_cli("sparql", query, "--format", "csv")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines()[0] == "s"


@pytest.fixture(scope="module")
def store_quads(built_graph):
    from kg.sparql.dumps import all_quads

    return all_quads()


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("nq", "nquads"),
                                               ("trig", "trig"), ("jsonld", "json-ld")])
def test_exports_parse_back_into_the_same_number_of_triples(store_quads, fmt, rdflib_format):
    from kg.sparql.dumps import EXPORTERS, dump, union_triples

    data = dump(fmt, store_quads)
    if EXPORTERS[fmt].keeps_graphs:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=rdflib_format)
        assert sum(1 for _ in dataset.quads((None, None, None, None))) == len(store_quads)
        assert len({str(g) for *_, g in dataset.quads((None, None, None, None))}) >= 19  # graphs kept
    else:
        graph = rdflib.Graph()
        graph.parse(data=data, format=rdflib_format)
        assert len(graph) == len(union_triples(store_quads))


def test_export_writes_a_void_description_with_licences_and_counts(built_graph, tmp_path):
    out = tmp_path / "graph.nq"
    run_cli("export", "--format", "nq", "-o", str(out), check=True)
    void = rdflib.Graph().parse(tmp_path / "graph.nq.void.ttl", format="turtle")
    VOID, DCT = rdflib.Namespace("http://rdfs.org/ns/void#"), rdflib.Namespace("http://purl.org/dc/terms/")
    dataset = next(void.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))
    subsets = list(void.objects(dataset, VOID.subset))
    assert len(subsets) >= 19 and int(void.value(dataset, VOID.triples)) > 100_000
    uk = next(s for s in subsets if str(s).endswith("/graph/uk-msa-2015"))
    assert "open-government-licence" in str(void.value(uk, DCT.license))
    assert void.value(dataset, DCT.created) is not None
    assert len(list(void.objects(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#distribution")))) == 5


@pytest.fixture(scope="module")
def endpoint(built_graph):
    from kg.sparql.endpoint import start_endpoint

    process, url = start_endpoint()
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_endpoint_answers_the_protocol_and_refuses_updates(endpoint):
    from kg.store import read

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/policy-coherence-graph/ontology#Provision> }"
    request = urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        n = int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])
    assert n > 4000
    before = len(read.store())
    update = urllib.request.Request(endpoint.replace("/query", "/update"), data=b"CLEAR ALL",
                                    headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(update, timeout=30)
    assert len(read.store()) == before


@pytest.mark.parametrize("form", list(FORBIDDEN))
def test_endpoint_refuses_forbidden_forms_before_oxigraph_sees_them(endpoint, form):
    """Oxigraph's read-only server would run SERVICE (a request to any server); the guard in front
    of it refuses that, and every update form, with the reason."""
    from kg.store import read

    before = len(read.store())
    for request in (
        urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": FORBIDDEN[form]})),
        urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": FORBIDDEN[form]}).encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"}),
        urllib.request.Request(endpoint, data=FORBIDDEN[form].encode(),
                               headers={"Content-Type": "application/sparql-query"}),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 400 and "E020" in refused.value.read().decode()
    assert len(read.store()) == before


def test_endpoint_answers_a_posted_query_with_sparql_xml(endpoint):
    request = urllib.request.Request(endpoint, data=b"ASK { ?s a ?type }",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+xml"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert b"<boolean>true</boolean>" in response.read()
