"""Building the graph: SPARQL over the store, SHACL conformance, atomic builds, clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, run_cli


def test_sparql_lists_instruments_with_provision_counts(built_graph):
    from kg.store.queries import select
    from kg.store.builds import open_store

    rows = select(open_store(built_graph), """
        SELECT ?id (COUNT(?p) AS ?n) WHERE {
          ?i a pcg:Instrument ; dcterms:identifier ?id .
          ?p a pcg:Provision ; pcg:inInstrument ?i .
        } GROUP BY ?id ORDER BY ?id""")
    counts = {r["id"]: r["n"] for r in rows}
    assert set(counts) >= {"palermo-protocol", "uk-msa-2015", "au-msa-2018", "eu-atd-2011",
                           "eu-forced-labour-regulation-2024", "ca-forced-labour-supply-chains-2023"}
    assert counts["palermo-protocol"] > 20 and counts["uk-msa-2015"] > 62


def test_the_instruments_command_lists_each_text_with_its_completeness(built_graph):
    # regression: the README's own `kg instruments` crashed with KeyError: 'short_title'
    result = run_cli("instruments", check=True)
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "complete" in lines["eu-csddd-2024"] and "CSDDD" in lines["eu-csddd-2024"]
    assert "complete" in lines["au-msa-2018"] and "PARTIAL" not in lines["au-msa-2018"]
    assert "PARTIAL" in lines["uk-poca-2002-part7"]
    listed = json.loads(run_cli("instruments", "--json", check=True).stdout)
    assert {r["id"] for r in listed} == set(lines)


def test_one_named_graph_per_instrument(built_graph):
    from kg.rdf.terms import graph_iri
    from kg.store.builds import open_store

    graphs = {g.value for g in open_store(built_graph).named_graphs()}
    assert graph_iri("uk-msa-2015").value in graphs
    assert graph_iri("palermo-protocol").value in graphs


def test_turtle_dump_conforms_to_the_shapes(built_graph):
    import rdflib
    from kg.rdf.shapes import violations

    data = rdflib.Graph().parse(built_graph.turtle, format="turtle")
    assert len(data) > 50_000
    assert violations(data) == []


def test_shapes_catch_a_provision_without_text(built_graph):
    import rdflib
    from kg.config import ONTOLOGY_NS
    from kg.rdf.shapes import violations

    data = rdflib.Graph().parse(built_graph.turtle, format="turtle")
    pcg = rdflib.Namespace(ONTOLOGY_NS)
    victim = next(data.subjects(pcg.text, None))
    data.remove((victim, pcg.text, None))
    found = violations(data)
    assert found and str(victim) in found[0]


def test_provisions_cli_prints_s54_1(built_graph):
    result = run_cli("provisions", "--instrument", "uk-msa-2015", "--json", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert by_id["uk-msa-2015/s54/1"]["text"].startswith(
        "A commercial organisation within subsection (2) must prepare a slavery and human trafficking "
        "statement for each financial year")
    assert by_id["uk-msa-2015/s54/1"]["citation"] == "s.54(1) Modern Slavery Act 2015"


def test_unknown_instrument_is_a_one_line_error(built_graph):
    result = run_cli("provisions", "--instrument", "no-such-law", "--json")
    assert result.returncode == 2
    assert "no-such-law" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rebuild_with_nothing_changed_is_skipped(built_graph):
    result = run_cli("build", "--json", "--quiet", check=True)
    assert json.loads(result.stdout)["skipped"] is True


def _current_build_id():
    from kg.store.builds import read_manifest

    return read_manifest()["build_id"]


def test_failed_build_keeps_the_previous_graph(scratch_data):
    data, sources = scratch_data
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    before = _current_build_id()

    # break one instrument: its text becomes invalid UTF-8 on line 3
    broken = sources / "palermo-protocol" / "text.txt"
    broken.write_bytes(b"PROTOCOL\n\n\xff\xfe not text\n")
    result = run_cli("build", "--quiet", "--sources", str(sources))
    assert result.returncode == 2
    assert f"{broken}:3" in result.stderr and "UTF-8" in result.stderr
    assert _current_build_id() == before

    from kg.store.queries import select
    from kg.store.builds import open_store

    rows = select(open_store(), "SELECT (COUNT(*) AS ?n) WHERE { ?p a pcg:Provision }")
    assert rows[0]["n"] > 1000


def test_interrupted_build_keeps_the_previous_graph(scratch_data):
    data, sources = scratch_data
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    before = _current_build_id()
    child = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "--force", "--quiet", "--sources", str(sources)],
        cwd=REPO, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    builds = data / "builds"
    # kill it at the worst moment: while it is writing the new store beside the old one
    while time.monotonic() < deadline and not any(p.name.endswith(".partial") for p in builds.iterdir()):
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert _current_build_id() == before
    from kg.store.builds import open_store

    assert len(open_store()) > 50_000
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    assert not any(p.name.endswith(".partial") for p in (data / "builds").iterdir())


def test_malformed_metadata_names_the_file_and_line(scratch_data):
    _, sources = scratch_data
    meta = sources / "uk-msa-2015" / "metadata.json"
    meta.write_text('{\n  "id": "uk-msa-2015",\n  "title": oops\n}\n', encoding="utf-8")
    result = run_cli("build", "--quiet", "--sources", str(sources))
    assert result.returncode == 2
    assert f"{meta}:3" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\n\n   \n", "empty")])
def test_empty_source_text_is_refused(scratch_data, content, message):
    _, sources = scratch_data
    text = sources / "au-msa-2018" / "text.txt"
    text.write_bytes(content)
    result = run_cli("build", "--quiet", "--sources", str(sources))
    assert result.returncode == 2
    assert str(text) in result.stderr and message in result.stderr
