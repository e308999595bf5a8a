"""A user adds a plain-text law: layout detected, bad input refused with file and line."""

from __future__ import annotations

import json

from tests.conftest import REPO, run_cli

SOURCES = REPO / "ingest" / "sources"


def add(sources, path, *extra):
    return run_cli("add", str(path), "--sources", str(sources), *extra)


def test_add_detects_the_layout_and_the_build_includes_it(scratch_data, tmp_path):
    _, sources = scratch_data
    # a real EU directive, brought in as a user would bring the CSDDD text from EUR-Lex
    law = tmp_path / "directive.txt"
    law.write_text((SOURCES / "eu-aml-criminal-law-2018" / "text.txt").read_text(encoding="utf-8"),
                   encoding="utf-8")
    result = add(sources, law, "--id", "my-aml-directive", "--title",
                 "Directive (EU) 2018/1673 on combating money laundering by criminal law",
                 "--jurisdiction", "EU", "--short-title", "AML Criminal Law Directive")
    assert result.returncode == 0, result.stderr
    assert "layout eu-act" in result.stdout
    meta = json.loads((sources / "my-aml-directive" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "directive" and meta["layout"] == "eu-act"

    run_cli("build", "--quiet", "--sources", str(sources), check=True)
    listed = run_cli("provisions", "--instrument", "my-aml-directive", "--json", check=True)
    ids = {json.loads(line)["id"] for line in listed.stdout.splitlines()}
    assert {f"my-aml-directive/art{n}" for n in range(1, 17)} <= ids


def test_the_csddd_text_from_eur_lex_is_accepted_with_its_recitals_and_annex(tmp_path):
    # regression: recitals were recognised only after a citations block, which this text lacks, and the
    # refusal named the heading line "Article 2" instead of the unplaced recitals
    sources = tmp_path / "sources"
    sources.mkdir()
    result = add(sources, SOURCES / "eu-csddd-2024" / "text.txt", "--id", "csddd-copy", "--title",
                 "Directive (EU) 2024/1760 on corporate sustainability due diligence", "--short-title", "CSDDD",
                 "--jurisdiction", "EU", "--url", "https://eur-lex.europa.eu/eli/dir/2024/1760/oj")
    assert result.returncode == 0, result.stderr
    assert "layout eu-act" in result.stdout and "517 provisions" in result.stdout


def test_the_complete_australian_act_is_detected_as_australian(tmp_path):
    # regression: the compiled Act was detected as a UK act, and the Australian layout fitted only extracts
    sources = tmp_path / "sources"
    sources.mkdir()
    result = add(sources, SOURCES / "au-msa-2018" / "text.txt", "--id", "au-copy", "--title",
                 "Modern Slavery Act 2018", "--jurisdiction", "AU")
    assert result.returncode == 0, result.stderr
    assert "layout au-act" in result.stdout


def test_a_refusal_names_the_largest_part_left_unplaced(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    law = tmp_path / "recitals-after-enacting-words.txt"
    recitals = "\n\n".join(f"({n}) A recital that explains the law in many words, number {n}." for n in range(1, 40))
    law.write_text(f"HAVE ADOPTED THIS REGULATION:\n\n{recitals}\n\nArticle 1\n\nScope\n\n1. A rule.\n",
                   encoding="utf-8")
    result = add(sources, law, "--id", "odd", "--title", "Regulation X", "--jurisdiction", "EU", "--layout", "eu-act")
    assert result.returncode == 2
    assert f"{law}:1:" in result.stderr and "lines 1–79" in result.stderr
    assert "'HAVE ADOPTED THIS REGULATION:'" in result.stderr and "Article 1" not in result.stderr


def test_add_with_explicit_treaty_layout(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "convention.txt"
    law.write_text((SOURCES / "slavery-convention-1926" / "text.txt").read_text(encoding="utf-8"),
                   encoding="utf-8")
    result = add(sources, law, "--id", "slavery-convention-copy", "--title", "Slavery Convention",
                 "--jurisdiction", "INT", "--layout", "treaty")
    assert result.returncode == 0, result.stderr
    assert "kind" in (sources / "slavery-convention-copy" / "metadata.json").read_text(encoding="utf-8")


def test_duplicate_id_is_refused_naming_the_existing_file(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "law.txt"
    law.write_text((SOURCES / "palermo-protocol" / "text.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = add(sources, law, "--id", "uk-msa-2015", "--title", "X", "--jurisdiction", "GB")
    assert result.returncode == 2
    assert f"{sources / 'uk-msa-2015' / 'metadata.json'}:1" in result.stderr
    assert "already exists" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unknown_layout_is_refused(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "law.txt"
    law.write_text("Article 1\n\nScope\n\nThis applies.\n", encoding="utf-8")
    result = add(sources, law, "--id", "x-law", "--title", "X", "--jurisdiction", "EU", "--layout", "fr-code")
    assert result.returncode == 2
    assert f"{law}:1" in result.stderr and "unknown layout 'fr-code'" in result.stderr
    assert not (sources / "x-law").exists()


def test_unstructured_text_is_refused_naming_the_first_line(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "press-release.txt"
    law.write_text(
        "Ministers met today to discuss supply chains.\nThey agreed to meet again.\n", encoding="utf-8")
    result = add(sources, law, "--id", "press", "--title", "Press", "--jurisdiction", "GB")
    assert result.returncode == 2
    assert str(law) in result.stderr and "Ministers met today" in result.stderr
    assert not (sources / "press").exists()


def test_text_a_layout_cannot_structure_names_the_line(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "mixed.txt"
    law.write_text("Article 1\n\nScope\n\nShort.\n\n" + "An unnumbered essay paragraph.\n" * 3
                   + "\n".join(f"Paragraph {i} of commentary that no article holds." for i in range(200)),
                   encoding="utf-8")
    result = add(sources, law, "--id", "mixed", "--title", "Mixed", "--jurisdiction", "EU",
                 "--layout", "uk-act")
    assert result.returncode == 2
    assert str(law) in result.stderr and "could not" in result.stderr


def test_empty_file_is_refused(scratch_data, tmp_path):
    _, sources = scratch_data
    law = tmp_path / "empty.txt"
    law.write_text("", encoding="utf-8")
    result = add(sources, law, "--id", "empty", "--title", "Empty", "--jurisdiction", "GB")
    assert result.returncode == 2
    assert f"{law}:1" in result.stderr and "empty" in result.stderr
