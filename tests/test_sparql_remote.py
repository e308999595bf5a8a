"""The remote-store option: a real Oxigraph server on loopback, the build loaded into it over the
SPARQL 1.1 Protocol, and every library and reader query giving the same answers as the embedded
store (tests/test_sparql_virtuoso.py does the same on Virtuoso)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.conftest import run_cli
from tests.remote_stores import library_differences


@contextmanager
def oxigraph_served(folder, union_default_graph: bool = True):
    """An Oxigraph server on ``folder`` for the block: its query URL; stopped after."""
    from kg.store.oxigraph_server import start_oxigraph

    process, url = start_oxigraph(folder, union_default_graph=union_default_graph)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def remote_server(tmp_path):
    with oxigraph_served(tmp_path / "remote-store") as url:
        yield url


def test_a_server_whose_default_graph_is_its_unnamed_graph_is_read_through_the_listed_graphs(built_graph,
                                                                                             tmp_path):
    """The auto dataset on an Oxigraph server without ``--union-default-graph``: the probe finds the
    project's triples absent from the default graph, so every query lists the project's graphs."""
    from kg.store import builds as stores
    from kg.store.remote import RemoteStore

    embedded = stores.open_store(built_graph)
    with oxigraph_served(tmp_path / "unnamed-default", union_default_graph=False) as url:
        remote = RemoteStore(url, url.replace("/query", "/update"), credentials=None)
        remote.insert_quads(embedded.quads_for_pattern(None, None, None, None))
        assert remote.resolved_dataset() == "listed"
        assert library_differences(embedded, remote) == {}


def test_build_into_a_remote_endpoint_and_query_it_like_the_embedded_store(built_graph, remote_server,
                                                                           scratch_data, monkeypatch):
    data, sources = scratch_data
    env = {"PCG_SPARQL_QUERY_URL": remote_server}
    run_cli("build", "--quiet", "--sources", str(sources), env=env, check=True)

    from kg.store import builds as stores
    from kg.store.remote import RemoteStore

    remote = RemoteStore(remote_server, remote_server.replace("/query", "/update"))
    embedded = stores.open_store(built_graph)
    assert len(remote) == len(embedded)
    assert library_differences(embedded, remote) == {}  # library and reader queries, rows and order
    assert remote.resolved_dataset() == "endpoint"  # auto: its default graph is the project's union

    monkeypatch.setenv("PCG_SPARQL_QUERY_URL", remote_server)  # the readers follow the configuration
    from kg.store import read

    assert isinstance(read.store(), RemoteStore)
    assert {r["id"] for r in read.instruments()} >= {"uk-msa-2015", "palermo-protocol"}
    assert read.provision("uk-msa-2015/s54/1")["citation"] == "s.54(1) Modern Slavery Act 2015"
