"""A curator edits the shipped coordination data: the next `kg build` rebuilds and the graph, which
the gap analysis reads, holds the edit; a build after it, with nothing changed, is skipped.

The build reads ``ingest/coordination_data/`` beside its own code, so the test runs a copy of the
code (and of the caches, so that a build over two treaties does not replace the shared embedding
cache's texts) and never touches the repository's files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.rdf.coordination import SHIPPED_GRAPH, attestation_iri
from kg.store.builds import BuildPaths, open_store
from kg.store.queries import select
from tests.conftest import REPO

EDITED_LINE = 54  # bodies.csv: a member of Australia's Interdepartmental Committee (AU-IDC), as of 2017


@pytest.fixture()
def project_copy(built_graph, tmp_path):
    """(copy of the code, environment for its commands): kg/, ingest/ (without its law texts) and
    ontology/; two real treaties as the sources; a data folder of its own, and a copy of the caches
    the project's build filled (``built_graph``), so that its builds take seconds."""
    from kg.config import cache_dir

    code = tmp_path / "code"
    shutil.copytree(REPO / "kg", code / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "ingest", code / "ingest", ignore=shutil.ignore_patterns("__pycache__", "sources"))
    shutil.copytree(REPO / "ontology", code / "ontology")
    sources = tmp_path / "sources"
    for instrument in ("palermo-protocol", "slavery-convention-1926"):
        shutil.copytree(REPO / "ingest" / "sources" / instrument, sources / instrument)
    cache = tmp_path / "cache"
    cache.mkdir()
    for entry in cache_dir().iterdir():
        if entry.name == "encoders":  # shared, not copied (hundreds of MB): these treaties' builds reuse one
            (cache / entry.name).symlink_to(entry)
        elif entry.is_dir():
            shutil.copytree(entry, cache / entry.name)
    env = {**os.environ, "PYTHONPATH": str(code), "PCG_DATA_DIR": str(tmp_path / "data"),
           "PCG_CACHE_DIR": str(cache), "PCG_SOURCES_DIR": str(sources)}
    return code, env


def kg(project: tuple[Path, dict], *args: str) -> subprocess.CompletedProcess:
    """``python -m kg …`` run from the copy, so that it imports the copied code and reads its data."""
    code, env = project
    result = subprocess.run([sys.executable, "-m", "kg", *args], cwd=code, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"kg {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def current_build(project) -> BuildPaths:
    return BuildPaths((Path(project[1]["PCG_DATA_DIR"]) / "current").resolve())


def au_idc(project) -> dict:
    (gap,) = [g for g in json.loads(kg(project, "gaps", "--jurisdiction", "AU", "--json").stdout) if g["body"] == "AU-IDC"]
    return gap


def test_an_edited_row_of_the_coordination_data_is_rebuilt_into_the_graph(project_copy):
    code, _ = project_copy
    bodies = code / "ingest" / "coordination_data" / "bodies.csv"
    kg(project_copy, "build", "--quiet")
    gap = au_idc(project_copy)
    assert (gap["evidence_year"], gap["stale"]) == (2017, True)

    # the curator finds a newer source for one member, and adds a row with a year that is not one
    lines = bodies.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[EDITED_LINE - 1].startswith("AU-IDC,") and lines[EDITED_LINE - 1].rstrip().endswith(",2017")
    lines[EDITED_LINE - 1] = lines[EDITED_LINE - 1].rstrip()[: -len("2017")] + "2025\n"
    bad = lines[EDITED_LINE - 1].replace(",2025\n", ",last year\n").replace("AU-IDC,", "AU-IDC-2,", 1)
    bodies.write_text("".join(lines) + bad, encoding="utf-8")
    # the gap analysis reads the graph in service, not the file
    assert au_idc(project_copy)["evidence_year"] == 2017

    before = current_build(project_copy).root
    rebuilt = kg(project_copy, "build")
    after = current_build(project_copy).root
    assert "up to date" not in rebuilt.stdout and after != before
    years = select(open_store(BuildPaths(after)), "SELECT ?row ?year WHERE { ?row pcg:evidenceYear ?year }",
                   {"row": attestation_iri(SHIPPED_GRAPH, "bodies.csv", EDITED_LINE)})
    assert [r["year"] for r in years] == [2025]
    gap = au_idc(project_copy)
    assert (gap["evidence_year"], gap["stale"]) == (2025, False)
    gaps = kg(project_copy, "gaps")
    assert f"bodies.csv row {len(lines) + 1}, as_of: 'last year' is not a year" in gaps.stderr
    assert "AU-IDC-2" not in gaps.stdout  # the invalid row is left out

    unchanged = kg(project_copy, "build")
    assert "Graph is up to date" in unchanged.stdout
    assert current_build(project_copy).root == after
