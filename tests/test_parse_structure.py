"""The parse matches the real structure of the law texts (issue #2's checks)."""

import pytest

from ingest.catalogue import get_instrument, list_instruments


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


def test_australian_extract_mandatory_criteria(parsed):
    p = ids(parsed("au-msa-2018"))
    assert {f"au-msa-2018/s16/1/{x}" for x in "abcdefg"} <= p
    assert "au-msa-2018/s16/1/h" not in p


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
