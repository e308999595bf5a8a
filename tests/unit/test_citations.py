"""A citation typed as a query → provision ids, against a fixed set of known ids (no graph)."""

from kg.search.citations import resolve_among

KNOWN = frozenset({
    "uk-msa-2015/s54", "uk-msa-2015/s54/5", "uk-msa-2015/s54/5/a", "au-msa-2018/s16", "au-msa-2018/s16a",
    "au-msa-2018/s16a/1", "palermo-protocol/art9", "palermo-protocol/art9/5", "eu-amlr-2024/art3",
    "eu-amlr-2024/rec12", "uk-msa-2015/sch1",
})
TITLES = {"modern slavery act 2015": "uk-msa-2015", "palermo-protocol": "palermo-protocol",
          "uk-msa-2015": "uk-msa-2015", "au-msa-2018": "au-msa-2018", "eu-amlr-2024": "eu-amlr-2024"}


def cites(query, instruments=None):
    return resolve_among(query, KNOWN, TITLES, instruments)


def test_a_section_with_its_parts_in_a_named_instrument():
    assert cites("s.54(5)(a) MSA") == ["uk-msa-2015/s54/5/a"]
    assert cites("s 54(5) Modern Slavery Act 2015") == ["uk-msa-2015/s54/5"]


def test_a_part_the_graph_lacks_falls_back_to_the_deepest_unit_it_has():
    assert cites("s.54(9) MSA") == ["uk-msa-2015/s54"]


def test_articles_recitals_and_schedules():
    assert cites("Article 9(5) Palermo") == ["palermo-protocol/art9/5"]
    assert cites("Art. 3 AMLR") == ["eu-amlr-2024/art3"]
    assert cites("recital 12 AMLR") == ["eu-amlr-2024/rec12"]
    assert cites("Schedule 1") == ["uk-msa-2015/sch1"]


def test_letter_suffixed_sections_are_their_own_sections():
    assert cites("s.16A(1) Cth") == ["au-msa-2018/s16a/1"]
    assert cites("s.16 Cth") == ["au-msa-2018/s16"]


def test_without_an_instrument_every_instrument_that_has_the_unit():
    assert cites("s.16A") == ["au-msa-2018/s16a"]
    assert cites("s.54", instruments=["au-msa-2018"]) == []


def test_words_that_name_no_instrument_make_it_a_question_not_a_citation():
    assert cites("section 54 requires what exactly") == []
    assert cites("who must publish a statement?") == []
    assert cites("articles of association") == []
