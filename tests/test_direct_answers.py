"""Direct answers on the real graph: who must, may or must not do it, or what the term is, with the
provision cited; one answer per instrument a question names; no answer where none fits; and the
accuracy on the development questions and on the blind test set (tests/gold/)."""

from __future__ import annotations

import json

from kg.api import ask
from kg.evaluate import DIRECT_ANSWERS_BLIND2, DIRECT_ANSWERS_DEV, DIRECT_ANSWERS_GOLD, evaluate_answers
from tests.conftest import run_cli

# Measured when these were set (kg eval answers): 0.962 on the 78 development questions, which the
# method was built on, and 0.836 on the 73 blind questions (never tuned on; see the README for the
# two runs); a margin of two or three questions under each. Since search's BM25 stems consistently
# and weighs more in the fusion (chosen on search's dev questions): dev 0.936, blind 0.849, and 0.885
# on the second blind set (96 questions; 0.865 on its first run, before that change). With search's
# second stage (late interaction): dev 0.949, blind 0.863, second blind set 0.875.
DEV_FLOOR = 0.91
BLIND_FLOOR = 0.80
BLIND2_FLOOR = 0.85  # the target


def test_who_must_is_answered_with_the_bearer_and_its_provision(built_graph):
    result = ask("Who must prepare a slavery and human trafficking statement?")
    assert result.asked.wording == "who must"
    found = result.answers[0]
    assert found.kind == "bearer" and "commercial organisation" in found.answer.lower()
    assert found.provision == "uk-msa-2015/s54/1" and found.citation == "s.54(1) Modern Slavery Act 2015"
    assert found.modality == "obligation" and found.strength == "binding"
    assert found.action.startswith("prepare a slavery and human trafficking statement")
    assert result.hits and result.hits[0].provision.startswith("uk-msa-2015/s54")


def test_what_is_it_called_is_answered_with_the_defined_term(built_graph):
    result = ask("What does the AMLR call the natural person who ultimately owns or controls a company?")
    assert [(a.kind, a.answer, a.provision) for a in result.answers] == \
        [("definition", "beneficial owner", "eu-amlr-2024/art2/1/28")]
    assert result.answers[0].evidence.startswith("‘beneficial owner’ means")


def test_a_question_spanning_two_instruments_gets_an_answer_in_each(built_graph):
    result = ask("Who has to prepare a modern slavery statement under the UK Act and under the Australian Act?")
    assert [a.instrument for a in result.answers] == ["uk-msa-2015", "au-msa-2018"]  # in the question's order


def test_no_answer_is_invented_where_the_law_has_none(built_graph):
    result = ask("Who must water the plants in the embassy garden?")
    assert result.asked.kind == "bearer" and result.answers == []
    assert any("no provision answers it with confidence" in note for note in result.notes)
    assert result.hits  # the closest provisions are still shown


def test_a_term_the_graph_does_not_define_gets_no_other_terms_definition(built_graph):
    assert ask("What does 'quantum entanglement' mean?").answers == []


def test_accuracy_on_the_development_questions(built_graph):
    table = evaluate_answers(ask, DIRECT_ANSWERS_DEV)
    assert table["questions"] >= 30
    assert table["accuracy"] >= DEV_FLOOR, table["misses"]


def test_accuracy_on_the_blind_test_set(built_graph):
    table = evaluate_answers(ask, DIRECT_ANSWERS_GOLD)
    assert table["questions"] >= 40 and set(table["by_type"]) == {"bearer", "definition"}
    assert table["accuracy"] >= BLIND_FLOOR, table["misses"]


def test_accuracy_on_the_second_blind_set(built_graph):
    table = evaluate_answers(ask, DIRECT_ANSWERS_BLIND2)
    assert table["questions"] >= 40 and set(table["by_type"]) == {"bearer", "definition"}
    assert table["accuracy"] >= BLIND2_FLOOR, table["misses"]


def test_the_cli_answers_in_text_and_json(built_graph):
    question = "Who may appoint an acting Anti-Slavery Commissioner in Australia?"
    text = run_cli("answer", question, "-k", "2", check=True).stdout
    assert "Read as: who may" in text and "Minister" in text and "s.20P(1)" in text.replace("s.20p", "s.20P")
    data = json.loads(run_cli("answer", question, "--json", check=True).stdout)
    assert data["answers"][0]["provision"] == "au-msa-2018/s20p/1" and len(data["hits"]) == 10
