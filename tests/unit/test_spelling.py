"""British and American spellings of one word read alike, in search and in the direct answers: the
Canadian Act and the UN Protocol write "-ize", the UK and EU texts (and most questions) "-ise"."""

import pytest

from kg.search.direct_answers import verb_root
from kg.search.ranking import ise_spelling, stem, tokens


@pytest.mark.parametrize("american, british", [
    ("organized", "organised"), ("organization", "organisation"), ("organizations", "organisations"),
    ("authorizing", "authorising"), ("recognized", "recognised"), ("criminalization", "criminalisation"),
])
def test_ize_and_ise_forms_have_one_stem(american, british):
    assert stem(american) == stem(british)


@pytest.mark.parametrize("word", ["size", "seize", "prize", "citizen", "citizens", "organise", "realise"])
def test_words_that_only_look_alike_are_left_as_written(word):
    assert ise_spelling(word) == word


def test_a_question_in_british_spelling_shares_words_with_an_american_text():
    assert set(tokens("transnational organised crime")) == set(tokens("transnational organized crime"))


def test_verb_forms_across_spellings_have_one_root():
    assert verb_root("authorise") == verb_root("authorizing") == verb_root("authorised")


@pytest.mark.parametrize("forms", [
    ("state", "states"), ("measure", "measures"), ("require", "required", "requires", "requiring"),
    ("employee", "employees"), ("issue", "issued", "issues"), ("entity", "entities"), ("body", "bodies"),
    ("enforce", "enforcement"), ("agree", "agreed"), ("purpose", "purposes"),
])
def test_a_words_forms_have_one_stem(forms):
    assert len({stem(word) for word in forms}) == 1, {word: stem(word) for word in forms}
