"""The SPARQL console in the app (Streamlit AppTest): library, readable results, downloads, shareable
query URL, refused updates and positioned syntax errors."""

from __future__ import annotations

import io

from rdflib.query import Result

from tests.test_app import page_text, run_app


def test_console_runs_a_library_query_with_readable_links_and_downloads(built_graph):
    at = run_app(page="ui/sparql.py")
    assert not at.exception
    choice = next(s for s in at.selectbox if s.label == "Start from a library query")
    at = choice.set_value("financial_sector_obligations").run()
    assert "financial_institution" in at.text_area[0].value
    at = at.button[0].click().run()
    assert not at.exception and not at.error
    assert "financial_sector_obligations" not in str(at.query_params.get("query", ""))
    assert "kindCode" in str(at.query_params["query"])  # the query is in the URL
    table = at.dataframe[0].value
    assert len(table) > 100 and "citation" in table.columns


def test_console_refuses_updates_and_points_at_syntax_errors(built_graph):
    at = run_app(page="ui/sparql.py", query="DROP ALL")
    assert not at.exception
    assert any("[E020]" in e.value for e in at.error)
    at = run_app(page="ui/sparql.py", query="SELECT ?s WHERE {\n  ?s ?p\n}")
    assert any("[E021]" in e.value and "line" in e.value for e in at.error)


def test_shared_link_runs_the_query_and_labels_iris(built_graph):
    at = run_app(page="ui/sparql.py", query="SELECT ?p WHERE { ?p pcg:citation \"s.54(1) Modern Slavery Act 2015\" }")
    assert not at.exception and not at.error
    cell = str(at.dataframe[0].value.iloc[0, 0])
    assert cell.startswith("/browse?provision=uk-msa-2015%2Fs54%2F1") and cell.endswith("#s.54(1) Modern Slavery Act 2015")
    assert "row(s)" in page_text(at)


def test_console_downloads_parse_as_sparql_results(built_graph):
    from kg.sparql.result_formats import serialize
    from kg.sparql.console import run

    result = run("SELECT ?id WHERE { ?i a pcg:Instrument ; dcterms:identifier ?id }", row_cap=5000, timeout=10)
    for fmt in ("json", "xml", "tsv"):
        assert len(Result.parse(io.BytesIO(serialize(result, fmt)), format=fmt).bindings) == len(result.bindings)
