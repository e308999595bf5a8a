"""Which instruments a question names (by jurisdiction, title, usual name or year), without a graph."""

from kg.search.query_scope import question_scope

INSTRUMENTS = [
    {"id": "uk-msa-2015", "shortTitle": "Modern Slavery Act 2015", "title": "Modern Slavery Act 2015",
     "jurisdiction": "GB", "adopted": "2015-03-26"},
    {"id": "au-msa-2018", "shortTitle": "Modern Slavery Act 2018 (Cth)", "title": "Modern Slavery Act 2018",
     "jurisdiction": "AU", "adopted": "2018-12-10"},
    {"id": "eu-csddd-2024", "shortTitle": "CSDDD", "title": "Corporate Sustainability Due Diligence Directive",
     "jurisdiction": "EU", "adopted": "2024-06-13"},
    {"id": "eu-amlr-2024", "shortTitle": "AMLR", "title": "Anti-Money Laundering Regulation",
     "jurisdiction": "EU", "adopted": "2024-05-31"},
]


def scope(question):
    return question_scope(question, INSTRUMENTS)


def test_a_question_that_names_nothing_has_no_scope():
    found = scope("who must report suspicious transactions?")
    assert not found and found.instruments == frozenset()


def test_a_title_without_its_year_names_every_instrument_of_that_name():
    assert scope("What must a Modern Slavery Act statement contain?").instruments == {"uk-msa-2015", "au-msa-2018"}


def test_a_year_narrows_a_shared_title_to_one_instrument():
    found = scope("Under the Modern Slavery Act 2018, who reports?")
    assert found.instruments == {"au-msa-2018"}


def test_a_jurisdiction_names_its_instruments():
    assert scope("Do EU rules require this?").instruments == {"eu-csddd-2024", "eu-amlr-2024"}


def test_jurisdiction_and_name_together_narrow_to_both():
    found = scope("In the EU, does the AMLR apply to crypto firms?")
    assert found.instruments == {"eu-amlr-2024"}
    assert "AMLR" in found.clues
