"""Values bound into a query as a VALUES block, written by pyoxigraph, never pasted text."""

import pyoxigraph as ox

from kg.store.bound_values import with_values


def test_no_bindings_leave_the_query_as_it_is():
    query = "SELECT * WHERE { ?s ?p ?o }"
    assert with_values(query, {}) == query


def test_values_go_first_in_the_outer_group_after_header_comments():
    query = "# {not this brace}\nPREFIX ex: <http://e/>\nSELECT ?s WHERE { ?s ex:p ?o }"
    bound = with_values(query, {"o": ox.Literal("x")})
    assert bound.startswith("# {not this brace}\n")
    assert 'WHERE {\n  VALUES ?o { "x" }' in bound


def test_a_hostile_literal_stays_one_escaped_literal():
    hostile = 'x" } } ; DROP ALL ; SELECT * { "'
    bound = with_values("SELECT * WHERE { ?s ?p ?o }", {ox.Variable("o"): ox.Literal(hostile)})
    assert bound.count("VALUES") == 1
    assert '\\"' in bound and "DROP ALL" in bound
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(hostile)))
    assert len(list(store.query(bound))) == 1


def test_an_iri_is_written_as_an_iri():
    bound = with_values("SELECT * WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://e/a")})
    assert "VALUES ?s { <http://e/a> }" in bound
