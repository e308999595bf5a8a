"""References from one instrument to another, found in the real texts and kept as evidence-bearing
edges: a reader of the Australian definition of modern slavery can follow it to Art. 3 of the
Palermo Protocol, and a reader of Palermo Art. 3 sees who cites it."""

import json

import pytest

from ingest.catalogue import list_instruments
from ingest.cross_references import corpus_cross_references, parse_items
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def references():
    pairs = [(instrument, instrument.parse()) for instrument in list_instruments()]
    return corpus_cross_references(pairs), {i.id: p for i, p in pairs}


def edges(found):
    return {(r.citing, r.cited) for refs in found.values() for r in refs}


def test_australian_definition_of_modern_slavery_cites_palermo_article_3(references):
    found, _ = references
    assert ("au-msa-2018/s4", "palermo-protocol/art3") in edges(found)
    ref = next(r for r in found["au-msa-2018"] if r.cited == "palermo-protocol/art3")
    assert ref.text.startswith("Article 3 of the Protocol to Prevent, Suppress and Punish Trafficking in Persons")
    assert ref.cited_label == "Article 3"


def test_csddd_annex_forced_labour_cites_ilo_convention_29(references):
    found, _ = references
    cited = {r.cited for r in found["eu-csddd-2024"] if r.citing == "eu-csddd-2024/annex/part1/1/11"}
    assert cited == {"ilo-c029-forced-labour-1930/art2/1", "ilo-c029-forced-labour-1930/art2/2"}
    # the list of instruments names the Convention without an article: an edge to the instrument
    assert ("eu-csddd-2024/annex/part1/2", "ilo-c029-forced-labour-1930") in edges(found)


def test_eu_acts_cite_each_other_by_number(references):
    found, _ = references
    e = edges(found)
    assert ("eu-aml-criminal-law-2018/art2/1/c", "eu-atd-2011") in e  # predicate offences: the ATD
    assert ("eu-forced-labour-regulation-2024/rec8", "eu-atd-2011") in e
    assert ("eu-forced-labour-regulation-2024/art2/1", "ilo-c029-forced-labour-1930/art2") in e
    assert ("eu-amlr-2024/art2/1/3", "eu-aml-criminal-law-2018/art2/1") in e  # "Article 2, point (1), of Directive …"
    assert {("eu-amla-2024/annex2/3", f"eu-amlr-2024/art{n}") for n in (69, 70, 71)} <= e  # "Articles 69, 70 and 71"
    assert {("eu-amla-2024/art93/2", f"eu-amlr-2024/art75/{n}") for n in (3, 4, 5)} <= e  # "Article 75(3), (4) and (5)"


def test_other_instruments_with_similar_names_are_not_linked(references):
    found, _ = references
    au = {r.citing: r.cited for r in found["au-msa-2018"]}
    assert "au-msa-2018/s7/2/c" not in au  # the Supplementary Convention of 1956 is not the 1926 Convention
    assert au["au-msa-2018/s7/2/a"] == "slavery-convention-1926"
    assert "au-msa-2018/s7/2/i" not in au  # ILO Convention No. 182 is not in the corpus
    flr = [r for r in found["eu-forced-labour-regulation-2024"] if r.citing == "eu-forced-labour-regulation-2024/rec1"]
    assert flr and all("Protocol to Convention" not in r.text for r in flr)  # the 2014 Protocol is another treaty


def test_a_cited_section_missing_from_a_partial_copy_cites_the_instrument_with_its_label(references):
    found, _ = references
    ref = next(r for r in found["uk-msa-2015"] if r.citing == "uk-msa-2015/s8/8/b")
    assert ref.cited == "uk-poca-2002-part7" and ref.cited_label == "section 6"


def test_evidence_is_the_exact_citing_span_and_no_instrument_cites_itself(references):
    found, parsed = references
    for instrument_id, refs in found.items():
        text = parsed[instrument_id].text
        for ref in refs:
            assert text[ref.start:ref.end] == ref.text
            assert ref.cited_instrument != instrument_id
            citing = parsed[instrument_id].by_id()[ref.citing]
            assert citing.start <= ref.start < citing.end


@pytest.mark.parametrize("listing, expected", [
    ("3", [["3"]]),
    ("2(1)", [["2", "1"]]),
    ("3, point (3)(a) and (b)", [["3", "3", "a"], ["3", "3", "b"]]),
    ("75(3), (4) and (5)", [["75", "3"], ["75", "4"], ["75", "5"]]),
    ("21(2), second subparagraph", [["21", "2"]]),
    ("69, 70 and 71", [["69"], ["70"], ["71"]]),
])
def test_printed_lists_become_id_paths(listing, expected):
    assert parse_items(listing) == expected


def test_the_graph_holds_the_edges_with_evidence_and_the_cli_lists_them(built_graph):
    result = run_cli("references", "--instrument", "au-msa-2018", "--json", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    row = next(r for r in rows if r["citing"] == "au-msa-2018/s4")
    assert row["cited"] == "palermo-protocol/art3" and row["cited_citation"] == "Art. 3 Palermo Protocol"
    assert "Article 3 of the Protocol to Prevent" in row["citing_text"]
    back = json.loads(run_cli("references", "--provision", "palermo-protocol/art3", "--json", check=True).stdout)
    assert any(r["id"] == "au-msa-2018/s4" for r in back["cited_by"])
    ilo = json.loads(run_cli("references", "--provision", "ilo-c029-forced-labour-1930/art2", "--json",
                             check=True).stdout)
    assert {"eu-csddd-2024/annex/part1/1/11", "eu-forced-labour-regulation-2024/art2/1"} <= \
        {r["id"] for r in ilo["cited_by"]}  # cites Art. 2(1) and Art. 2: both shown on Art. 2


def test_unknown_provision_is_a_clear_error(built_graph):
    result = run_cli("references", "--provision", "au-msa-2018/s99")
    assert result.returncode == 2 and "no provision 'au-msa-2018/s99'" in result.stderr
