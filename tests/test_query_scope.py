"""Questions that name a jurisdiction, a year or an instrument rank that instrument's law first."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

EU = {"eu-aml-criminal-law-2018", "eu-amla-2024", "eu-amlr-2024", "eu-atd-2011", "eu-csddd-2024",
      "eu-forced-labour-regulation-2024"}


@pytest.fixture(scope="module")
def instruments(built_graph):
    from kg.store import read

    return read.instruments()


@pytest.mark.parametrize("question, expected", [
    ("What forms of exploitation does the UK offence cover?", {"uk-msa-2015", "uk-poca-2002-part7"}),
    ("Must Canadian companies put their report on their website?", {"ca-forced-labour-supply-chains-2023"}),
    ("How high must prison sentences be in EU countries?", EU),
    ("what must the 2011 EU directive's national rapporteurs do", {"eu-atd-2011"}),  # two clues narrow
    ("Under the 1926 treaty, when could compulsory labour be used?", {"slavery-convention-1926"}),
    ("what does the Modern Slavery Act say about statements", {"uk-msa-2015", "au-msa-2018"}),
    ("consent under Palermo", {"palermo-protocol"}),
    ("the ILO convention on forced labour", {"ilo-c029-forced-labour-1930"}),
    ("Which German companies have human rights due diligence duties?", {"de-lksg-2021"}),
])
def test_named_instruments(instruments, question, expected):
    from kg.search.query_scope import question_scope

    assert question_scope(question, instruments).instruments == expected


@pytest.mark.parametrize("question", [
    "who must report on forced labour in their supply chains?",
    "how do states cooperate internationally against trafficking?",  # "international" names no instrument
    "what must businesses do by 2030?",                               # no instrument adopted that year
    "us banks and their customers",                                   # "US" only in capitals
    "un travail forcé",                                               # French "un" is not the UN
])
def test_questions_that_name_no_instrument(instruments, question):
    from kg.search.query_scope import question_scope

    assert not question_scope(question, instruments)


def test_named_instruments_rank_first_and_the_answer_says_why(built_graph):
    from kg.search.answering import search

    question = "What powers do officials have to enter premises and examine records?"
    anywhere, _ = search(question, k=5, with_related=False)
    canadian, notes = search(question.replace("officials", "Canadian officials"), k=5, with_related=False)
    ranks = [[h.instrument for h in hits].index("ca-forced-labour-supply-chains-2023") for hits in (anywhere, canadian)]
    assert ranks[1] == 0 and ranks[0] > 0
    assert any("'Canadian'" in n and "Supply Chains Act" in n for n in notes)


def test_an_instrument_filter_overrides_the_named_ones(built_graph):
    result = run_cli("search", "UK duty to report suspicions", "--instrument", "eu-amlr-2024", "-k", "3", "--json",
                     check=True)
    assert {hit["instrument"] for hit in json.loads(result.stdout)} == {"eu-amlr-2024"}
    assert "rank first" not in result.stderr
