"""The remote-store option: a real Oxigraph server on loopback, the build loaded into it over the
SPARQL 1.1 Protocol, and every library and reader query giving the same answers as the embedded
store (tests/test_sparql_virtuoso.py does the same on Virtuoso)."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.remote_stores import library_differences


@pytest.fixture()
def remote_server(tmp_path):
    from kg.store.oxigraph_server import start_oxigraph

    process, url = start_oxigraph(tmp_path / "remote-store")
    yield url
    process.terminate()
    process.wait(timeout=10)


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

    monkeypatch.setenv("PCG_SPARQL_QUERY_URL", remote_server)  # the readers follow the configuration
    from kg.store import read

    assert isinstance(read.store(), RemoteStore)
    assert {r["id"] for r in read.instruments()} >= {"uk-msa-2015", "palermo-protocol"}
    assert read.provision("uk-msa-2015/s54/1")["citation"] == "s.54(1) Modern Slavery Act 2015"
