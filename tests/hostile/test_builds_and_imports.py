"""Builds and imports at the same time, killed, or published broken (issue #15, items 5–9), on real
texts in scratch data folders (the project's caches are shared, so a build takes seconds)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.hostile.conftest import alive, descendants

SOURCES = REPO / "ingest" / "sources"
HEADER = "body_id,body_name,level,jurisdiction,member_name,member_kind,is_member,source_url,source_quote,as_of\n"


def row(member: str, kind: str = "fiu", body: str = "XX-NCB") -> str:
    return f'{body},National Body,national,XX,{member},{kind},yes,https://example.org/minutes,"{member} attends",2025\n'


@pytest.fixture()
def small(tmp_path, monkeypatch):
    """A data folder of its own over two real treaties: (data, sources)."""
    sources = tmp_path / "sources"
    for instrument in ("palermo-protocol", "slavery-convention-1926"):
        shutil.copytree(SOURCES / instrument, sources / instrument)
    data = tmp_path / "data"
    monkeypatch.setenv("PCG_DATA_DIR", str(data))
    monkeypatch.setenv("PCG_SOURCES_DIR", str(sources))  # what a rebuild after an import reads
    monkeypatch.setenv("PCG_CACHE_DIR", str(REPO / "data" / "cache"))
    return data, sources


def current(data: Path) -> Path:
    return (data / "current").resolve()


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=REPO, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_builds_at_once_take_turns_and_publish_a_complete_graph(scratch_data, monkeypatch):
    """Item 5: the second build deleted the first one's partial folder; the first then published a
    build with no store, and every reader failed. (The whole corpus, so the first build is still
    running when the second starts.)"""
    from kg.store.builds import BuildPaths, missing_parts

    data, sources = scratch_data
    monkeypatch.setenv("PCG_SOURCES_DIR", str(sources))
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    first = start("build", "--force", "--quiet", "--sources", str(sources))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.endswith(".partial") for p in (data / "builds").iterdir()):
        time.sleep(0.01)
    second = start("build", "--force", "--sources", str(sources))
    out_first, err_first = first.communicate(timeout=300)
    out_second, err_second = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err_first + err_second
    assert "Traceback" not in err_first + err_second
    assert "waiting for it to finish" in err_second
    assert missing_parts(BuildPaths(current(data))) == []
    listed = run_cli("instruments", "--json", check=True)
    assert {r["id"] for r in json.loads(listed.stdout)} == {p.name for p in sources.iterdir() if p.is_dir()}


def test_a_graph_in_service_that_lost_its_store_is_rebuilt_by_a_plain_build(small):
    """Item 5: a plain `kg build` did not repair a broken build, because its fingerprint matched."""
    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    shutil.rmtree(current(data) / "store")
    repaired = run_cli("build", "--quiet", "--sources", str(sources), check=True)
    assert "up to date" not in repaired.stdout
    assert (current(data) / "store").is_dir()


def test_an_incomplete_build_is_never_published_and_the_rollback_is_complete(small):
    from kg.store.builds import BuildIncompleteError, BuildPaths, builds_dir, is_complete, new_build_dir, publish

    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    run_cli("build", "--quiet", "--force", "--sources", str(sources), check=True)
    in_service = current(data)
    broken = new_build_dir("20000101T000000000000Z")
    broken.manifest.write_text("{}", encoding="utf-8")
    with pytest.raises(BuildIncompleteError) as refused:
        publish(broken)
    assert "graph.trig" in str(refused.value)
    assert current(data) == in_service
    # a finished but incomplete folder is no fallback: the next build prunes it and keeps a complete one
    shutil.move(str(broken.root), str(builds_dir() / "20000101T000000000001Z"))
    run_cli("build", "--quiet", "--force", "--sources", str(sources), check=True)
    kept = [p for p in builds_dir().iterdir() if p != current(data)]
    assert len(kept) == 1 and is_complete(BuildPaths(kept[0]))


def test_a_killed_build_leaves_no_worker_behind(scratch_data):
    """Item 9: a killed build left its SHACL workers (about 1 GB each) running forever."""
    data, sources = scratch_data
    child = start("build", "--force", "--quiet", "--sources", str(sources))
    deadline = time.monotonic() + 300
    workers: list[int] = []
    while time.monotonic() < deadline and not workers:
        workers = descendants(child.pid)
        time.sleep(0.05)
    assert workers, "the build started no worker process"
    child.send_signal(signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


def test_two_imports_at_once_both_land(small, tmp_path):
    """Item 5: two imports at once (two visitors of the import form) ended in a traceback."""
    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    files = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.csv"
        path.write_text(HEADER + row(f"{name.title()} FIU"), encoding="utf-8")
        files.append(path)
    children = [start("import-bodies", str(path)) for path in files]
    results = [c.communicate(timeout=600) for c in children]
    assert [c.returncode for c in children] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    assert sorted(p.stem for p in (data / "imports").glob("*.csv")) == ["first", "second"]


def test_row_numbers_are_the_file_lines_and_a_good_row_after_a_blank_line_is_kept(small, tmp_path):
    """Item 6: with a blank line, rows were numbered by one reader and written back by another: a
    good row was dropped and a bad one kept."""
    from kg.build.membership_imports import import_bodies

    data, _ = small
    text = HEADER + row("Good FIU") + "\n" + row("Bad Kind", kind="wizard") + row("Second Good FIU")
    outcome = import_bodies(text, "blank-line")
    assert outcome["imported_rows"] == 2
    assert outcome["errors"] == [next(e for e in outcome["errors"] if e.startswith("row 4, member_kind"))]
    written = (data / "imports" / "blank-line.csv").read_text(encoding="utf-8")
    assert "Good FIU" in written and "Second Good FIU" in written and "Bad Kind" not in written


def test_an_existing_import_is_not_overwritten_unless_asked(small, tmp_path):
    """Item 7: an import name that already existed (or differed only in case) was silently replaced."""
    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    first, second = tmp_path / "members.csv", tmp_path / "Members.csv"
    first.write_text(HEADER + row("First FIU"), encoding="utf-8")
    second.write_text(HEADER + row("Second FIU"), encoding="utf-8")
    run_cli("import-bodies", str(first), check=True)
    refused = run_cli("import-bodies", str(second))
    assert refused.returncode == 2 and "[E032]" in refused.stderr and "--replace" in refused.stderr
    assert "First FIU" in (data / "imports" / "members.csv").read_text(encoding="utf-8")
    run_cli("import-bodies", str(second), "--replace", check=True)
    assert "Second FIU" in (data / "imports" / "members.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("content, says", [
    ("body_id;body_name;level\nX;Y;national\n".encode(), "separated by semicolons"),
    ((HEADER + row("Caf\xe9 FIU")).encode("latin-1"), "not UTF-8"),
])
def test_a_membership_list_in_the_wrong_shape_is_named(small, tmp_path, content, says):
    """Item 13: a non-UTF-8 file gave a traceback; a semicolon-delimited CSV should be named as such."""
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    result = run_cli("import-bodies", str(path))
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_the_fingerprint_covers_the_data_files_the_build_reads(small):
    """Item 8: edits to the coordination CSVs, the actor registry or the theme examples left the old
    graph in place while the build said it was up to date."""
    from kg.analysis import themes
    from kg.build.pipeline import build_inputs, fingerprint

    _, sources = small
    inputs = set(build_inputs(sources))
    for needed in (REPO / "ingest" / "coordination_data" / "bodies.csv",
                   REPO / "ingest" / "coordination_data" / "partnerships.csv",
                   REPO / "ingest" / "obligations" / "actors.json", themes.EXAMPLES_PATH, themes.LABELS_PATH):
        assert needed in inputs, needed
    before = fingerprint(sources)
    meta = sources / "palermo-protocol" / "SOURCE.md"
    meta.write_text(meta.read_text(encoding="utf-8") + "\nA reviewer's note.\n", encoding="utf-8")
    assert fingerprint(sources) != before
