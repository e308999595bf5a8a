"""The read-only check on SPARQL's own terminals: what runs, what is refused, and why (no store)."""

import pytest

from kg.errors import ForbiddenQueryError, QuerySyntaxError
from kg.sparql.read_only import MAX_DEPTH, check_read_only


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "select"),
    ("ASK { ?s ?p ?o }", "ask"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct"),
    ("DESCRIBE <http://example.org/a>", "describe"),
    ("PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ex:label 'SERVICE INSERT' }", "select"),
])
def test_read_only_queries_pass_with_their_form(query, form):
    assert check_read_only(query).form == form


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:a> <a:b> <a:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x>",
    "CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_updates_and_federation_are_refused_wherever_they_hide(query):
    with pytest.raises(ForbiddenQueryError):
        check_read_only(query)


def test_comments_are_blanked_in_what_runs_and_positions_kept():
    query = "SELECT * # a comment\nWHERE { ?s ?p ?o }"
    checked = check_read_only(query)
    assert "comment" not in checked.text and len(checked.text) == len(query)


def test_a_keyword_inside_a_string_or_iri_is_not_a_keyword():
    assert check_read_only('SELECT * WHERE { ?s ?p "INSERT DATA SERVICE" . ?s <http://e/SERVICE> ?o }').form == "select"


@pytest.mark.parametrize("query", [
    "",
    "   ",
    "SELECT * WHERE { ?s ?p '\\u0041' }",
    "SELECT * WHERE { ?s ?p ?o ",
    "SELECT * WHERE " + "{ " * (MAX_DEPTH + 1) + "?s ?p ?o" + " }" * (MAX_DEPTH + 1),
    "SELECT * WHERE { ?s ?p ?o }" + " " * 200_001,
    "SELECT * WHERE { ?s ?p '\udcff' }",
    "hello",
])
def test_what_cannot_be_read_is_refused_not_guessed(query):
    with pytest.raises(QuerySyntaxError):
        check_read_only(query)


def test_from_is_noted_so_the_query_runs_over_its_own_dataset():
    assert check_read_only("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }").own_dataset
    assert not check_read_only("SELECT * WHERE { ?s ?p ?o }").own_dataset
