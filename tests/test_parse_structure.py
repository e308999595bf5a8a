"""The parse matches the real structure of the law texts (issue #2's checks)."""

from pathlib import Path

import pytest

from ingest.catalogue import get_instrument, list_instruments

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(instrument_id):
        if instrument_id not in cache:
            cache[instrument_id] = get_instrument(instrument_id).parse()
        return cache[instrument_id]

    return get


def ids(parsed_instrument):
    return {n.id for n in parsed_instrument.provisions}


def test_palermo_articles_points_and_paragraphs(parsed):
    p = ids(parsed("palermo-protocol"))
    assert {f"palermo-protocol/art{n}" for n in range(1, 21)} <= p
    assert "palermo-protocol/art21" not in p
    assert {f"palermo-protocol/art3/{x}" for x in "abcd"} <= p
    assert "palermo-protocol/art3/e" not in p
    assert {f"palermo-protocol/art9/{n}" for n in range(1, 6)} <= p
    assert "palermo-protocol/art9/6" not in p


def test_uk_msa_sections_schedules_and_s54(parsed):
    p = ids(parsed("uk-msa-2015"))
    assert {f"uk-msa-2015/s{n}" for n in range(1, 63)} <= p
    assert {f"uk-msa-2015/sch{n}" for n in range(1, 6)} <= p
    assert {f"uk-msa-2015/s54/{n}" for n in range(1, 13)} <= p
    assert "uk-msa-2015/s54/13" not in p
    assert {f"uk-msa-2015/s54/5/{x}" for x in "abcdef"} <= p
    assert "uk-msa-2015/s54/5/g" not in p


def test_eu_forced_labour_regulation_articles(parsed):
    p = ids(parsed("eu-forced-labour-regulation-2024"))
    articles = {i for i in p if i.count("/") == 1 and "/art" in i}
    assert articles == {f"eu-forced-labour-regulation-2024/art{n}" for n in range(1, 40)}
    recitals = {i for i in p if "/rec" in i}
    assert len(recitals) == 70


def test_canadian_act_sections(parsed):
    p = ids(parsed("ca-forced-labour-supply-chains-2023"))
    sections = {i for i in p if i.count("/") == 1 and "/s" in i}
    assert sections == {f"ca-forced-labour-supply-chains-2023/s{n}" for n in range(1, 29)}


def test_australian_act_sections_in_order(parsed):
    au = parsed("au-msa-2018")
    sections = [n.number for n in au.provisions if n.depth == 1]
    assert sections == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "16a",
                        "17", "18", "19", "20", "20a", "20b", "20c", "20d", "20e", "20f", "20g", "20h", "20j", "20k",
                        "20l", "20m", "20n", "20p", "20q", "20r", "20s", "20t", "20u", "20v", "20w", "20wa", "20x",
                        "20y", "21", "22", "22a", "23", "23a", "24", "25"]
    p = ids(au)
    assert {f"au-msa-2018/s16/1/{x}" for x in "abcdefg"} <= p
    assert "au-msa-2018/s16/1/h" not in p
    assert {f"au-msa-2018/s16a/{n}" for n in range(1, 7)} <= p and "au-msa-2018/s16a/7" not in p
    assert {"au-msa-2018/s20b", "au-msa-2018/s24", "au-msa-2018/s20wa/3/b", "au-msa-2018/s20c/1/ma"} <= p
    assert sum(1 for n in au.provisions if n.unit_type == "Subsection") == 89


def test_australian_parts_and_divisions_are_structure_not_ids(parsed):
    au = parsed("au-msa-2018")
    index = au.by_id()
    assert index["au-msa-2018/part3a"].heading == "Australian Anti-Slavery Commissioner"
    assert index["au-msa-2018/part3a/division2"].kind == "division"
    assert index["au-msa-2018/s20c"].division == "au-msa-2018/part3a/division2"
    assert not any("/part" in n.id or "/division" in n.id for n in au.provisions)
    assert index["au-msa-2018/s16a"].heading == "Explanations for failure to comply etc."  # the Act's own heading
    assert index["au-msa-2018/s16a/4"].heading == "Publication of information about failure to comply with request"
    assert index["au-msa-2018/s16a"].citation == "s.16A Modern Slavery Act 2018 (Cth)"


def test_australian_definitions_notes_and_table_stay_in_their_section(parsed):
    au = parsed("au-msa-2018")
    p = ids(au)
    assert not any(i.startswith("au-msa-2018/s4/") for i in p)  # definitions are not provisions of their own
    s4 = au.text_of("au-msa-2018/s4")
    assert "Commissioner means the Australian Anti-Slavery Commissioner referred to in section 20B." in s4
    assert "strategic plan means a strategic plan prepared under section 20X" in s4
    table = au.text_of("au-msa-2018/s2/1")
    assert "Commencement information" in table and "| 10 December 2018" in table
    assert not any(i.startswith("au-msa-2018/s2/1/") for i in p)  # table rows "1. …" are not points
    assert au.text_of("au-msa-2018/s19/2").rstrip().endswith("if the entity does not comply with those requirements.")
    assert "Example: For paragraph (d)" in au.text_of("au-msa-2018/s16/1")


def test_every_australian_id_of_the_old_extracts_names_the_same_provision(parsed):
    au = parsed("au-msa-2018")
    extracts = (REPO / "ingest" / "sources" / "au-msa-2018" / "text_extracts.txt").read_text(encoding="utf-8")
    for provision, starts in [("au-msa-2018/s13/1", "A reporting entity must give the Minister"),
                              ("au-msa-2018/s16/1/c", "describe the risks of modern slavery practices"),
                              ("au-msa-2018/s16a/4/e", "the reasons why the Minister is satisfied"),
                              ("au-msa-2018/s18/2", "The register must be made available for public inspection"),
                              ("au-msa-2018/s5/1/a/ii", "carries on business in Australia at any time"),
                              ("au-msa-2018/s14/2/d/iii", "if it is not practicable to comply with subparagraph")]:
        assert au.text_of(provision).startswith(starts), provision
        assert au.text_of(provision)[:60] in extracts


def test_csddd_articles_recitals_and_points(parsed):
    csddd = parsed("eu-csddd-2024")
    p = ids(csddd)
    articles = {i for i in p if i.count("/") == 1 and "/art" in i}
    assert articles == {f"eu-csddd-2024/art{n}" for n in range(1, 40)}
    assert {i for i in p if "/rec" in i} == {f"eu-csddd-2024/rec{n}" for n in range(1, 100)}
    assert {"eu-csddd-2024/art3/1/g", "eu-csddd-2024/art8/2/a", "eu-csddd-2024/art22/1", "eu-csddd-2024/art29/1/a",
            "eu-csddd-2024/art38", "eu-csddd-2024/art3/1/a/iii"} <= p
    assert "eu-csddd-2024/art38/1" not in p  # an unnumbered paragraph has no segment
    # "—" indents stay inside the point that holds them
    assert "— a credit institution" in csddd.text_of("eu-csddd-2024/art3/1/a/iii")
    assert csddd.text_of("eu-csddd-2024/art2/3").count("The ultimate parent company shall") == 2
    # a point's own lower-case subparagraph stays in the point: Art. 29(3)(a) holds the limitation period
    # and its (i)–(iii); (b)–(e) follow as points of paragraph 3
    assert {f"eu-csddd-2024/art29/3/{x}" for x in "abcde"} | {f"eu-csddd-2024/art29/3/a/{x}" for x in
                                                             ("i", "ii", "iii")} <= p
    assert "shall be at least five years" in csddd.text_of("eu-csddd-2024/art29/3/a")
    assert not any(i.startswith("eu-csddd-2024/art29/3/iii") for i in p)


def test_csddd_annex_parts_sections_and_points(parsed):
    csddd = parsed("eu-csddd-2024")
    index = csddd.by_id()
    p = ids(csddd)
    assert {f"eu-csddd-2024/annex/part1/1/{n}" for n in range(1, 17)} <= p
    assert {f"eu-csddd-2024/annex/part2/{n}" for n in range(1, 17)} <= p
    assert {"eu-csddd-2024/annex/part2/15/a", "eu-csddd-2024/annex/part2/15/a/iii", "eu-csddd-2024/annex/part1/2",
            "eu-csddd-2024/annex/part1/1/10/a"} <= p
    assert csddd.text_of("eu-csddd-2024/annex/part1/1/11").startswith("The prohibition of forced or compulsory labour")
    assert index["eu-csddd-2024/annex/part1/1"].heading.startswith("RIGHTS AND PROHIBITIONS")
    assert index["eu-csddd-2024/annex/part2"].heading.startswith("PROHIBITIONS AND OBLIGATIONS")
    assert index["eu-csddd-2024/annex/part1/1/11"].citation == "Annex, Part I, section 1, point 11 CSDDD"
    assert index["eu-csddd-2024/annex/part2/15/a"].citation == "Annex, Part II, point 15(a) CSDDD"
    assert "Forced Labour Convention, 1930 (No 29)" in csddd.text_of("eu-csddd-2024/annex/part1/2")


def test_footnotes_are_kept_for_readers_not_as_provisions(parsed):
    csddd = parsed("eu-csddd-2024")
    markers = [f.marker for f in csddd.footnotes]
    assert markers == [str(n) for n in range(1, 49)] + ["A1", "A2", "A3"]
    assert not any("footnote" in n.id for n in csddd.nodes)
    by_provision = csddd.footnote_markers()
    assert "31" in by_provision["eu-csddd-2024/art2/8"]
    assert by_provision["eu-csddd-2024/annex/part2/5"] == ["A1"]
    assert csddd.footnotes[30].text.startswith("Directive 2011/61/EU")


@pytest.mark.parametrize(
    "provision, starts_with",
    [
        ("uk-msa-2015/s54/1", "A commercial organisation within subsection (2) must prepare a slavery and "
                              "human trafficking statement for each financial year"),
        ("palermo-protocol/art9/5", "States Parties shall adopt or strengthen legislative or other measures"),
        ("palermo-protocol/art3/d", "“Child” shall mean any person under eighteen years of age."),
        ("au-msa-2018/s16/1/c", "describe the risks of modern slavery practices in the operations and supply "
                                "chains of the reporting entity"),
        ("eu-forced-labour-regulation-2024/art3", "Economic operators shall not place or make available on "
                                                  "the Union market products that are made with forced labour"),
        ("ca-forced-labour-supply-chains-2023/s11/1", "Every entity must, on or before May 31 of each year, "
                                                      "report to the Minister"),
        ("eu-csddd-2024/art8/1", "Member States shall ensure that companies take appropriate measures to identify"),
        ("au-msa-2018/s20c/1/a", "to promote compliance with this Act;"),
        ("uk-msa-2015/s54/5/a", "the organisation's structure, its business and its supply chains;"),
    ],
)
def test_exact_texts(parsed, provision, starts_with):
    instrument = parsed(provision.split("/")[0])
    assert instrument.text_of(provision).startswith(starts_with)


def test_text_is_the_exact_source_span(parsed):
    for instrument in list_instruments():
        p = parsed(instrument.id)
        source = instrument.read_text()
        for node in p.provisions:
            assert 0 <= node.start < node.end <= len(source), node.id
            assert source[node.start : node.end] == node.text(p.text)
            assert not source[node.start].isspace(), node.id


def test_children_lie_inside_their_parents(parsed):
    for instrument in list_instruments():
        p = parsed(instrument.id)
        index = p.by_id()
        for node in p.provisions:
            parent = index.get(node.parent) if node.parent else None
            if parent is not None and parent.kind == "provision":
                assert parent.start <= node.start and node.end <= parent.end, node.id
                assert node.id.startswith(parent.id + "/"), node.id


def test_headings_are_not_provisions(parsed):
    p = parsed("palermo-protocol")
    index = p.by_id()
    assert index["palermo-protocol/art5"].heading == "Criminalization"
    assert index["palermo-protocol/chapter1"].kind == "division"
    assert index["palermo-protocol/chapter1"].heading == "General Provisions"
    uk = parsed("uk-msa-2015").by_id()
    assert uk["uk-msa-2015/s54"].heading == "Transparency in supply chains etc"
    assert uk["uk-msa-2015/part6"].kind == "division"


def test_citations(parsed):
    uk = parsed("uk-msa-2015").by_id()
    assert uk["uk-msa-2015/s54/5/a"].citation == "s.54(5)(a) Modern Slavery Act 2015"
    pal = parsed("palermo-protocol").by_id()
    assert pal["palermo-protocol/art9/5"].citation == "Art. 9(5) Palermo Protocol"
