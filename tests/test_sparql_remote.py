"""The remote-store option: a real Oxigraph server on loopback, the build loaded into it over the
SPARQL 1.1 Protocol, and every library query giving the same answers as the embedded store."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kg.store.queries import library, runnable_library_query, select
from tests.conftest import run_cli



@pytest.fixture()
def remote_server(tmp_path):
    from kg.store.oxigraph_server import start_oxigraph

    process, url = start_oxigraph(tmp_path / "remote-store")
    yield url
    process.terminate()
    process.wait(timeout=10)


def comparable(row: dict, query: str) -> tuple:
    """A row as a sorted tuple; GROUP_CONCAT values as sorted words, since SPARQL 1.1 leaves the
    order of a group's values unspecified and two stores may concatenate them differently."""
    concatenated = set(re.findall(r"GROUP_CONCAT\(.*?\)\s+AS\s+\?(\w+)", query, re.S | re.I))
    return tuple(sorted((k, " ".join(sorted(v.split())) if k in concatenated and isinstance(v, str) else v)
                        for k, v in row.items()))


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
    for query in library():
        text = runnable_library_query(query["name"])
        here = Counter(comparable(r, text) for r in select(embedded, text))
        there = Counter(comparable(r, text) for r in select(remote, text))
        assert there == here, query["name"]

    monkeypatch.setenv("PCG_SPARQL_QUERY_URL", remote_server)  # the readers follow the configuration
    from kg.store import read

    assert isinstance(read.store(), RemoteStore)
    assert {r["id"] for r in read.instruments()} >= {"uk-msa-2015", "palermo-protocol"}
    assert read.provision("uk-msa-2015/s54/1")["citation"] == "s.54(1) Modern Slavery Act 2015"
