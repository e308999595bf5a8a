"""Reading questions and definitions for direct answers, without a graph: what a question asks
(kg.search.direct_answers.classify), which term a drafting form defines (kg.search.definitions),
and how two namings of one bearer or term are compared (normal_form, names)."""

import pytest

from kg.search.definitions import definitions_in, terms_in
from kg.search.direct_answers import _doer, classify, names, normal_form, verb_root


@pytest.mark.parametrize("question, kind, modalities", [
    ("Who must publish the register?", "bearer", ("obligation",)),
    ("Under the UK Act, who has to prepare a statement?", "bearer", ("obligation",)),
    ("Which authority is responsible for supervising compliance?", "bearer", ("obligation",)),
    ("Who may refer a dispute to the court?", "bearer", ("permission",)),
    ("Which body has the power to impose fines?", "bearer", ("permission",)),
    ("Who must not disclose the report?", "bearer", ("prohibition",)),
    ("Who may not order forfeiture without a hearing?", "bearer", ("prohibition",)),
    ("Who is prohibited from keeping anonymous accounts?", "bearer", ("prohibition",)),
    ("Who keeps the register of statements?", "bearer", ("obligation", "permission", "prohibition")),
])
def test_a_who_question_asks_for_a_bearer_of_the_kind_of_norm_its_verb_says(question, kind, modalities):
    asked = classify(question)
    assert (asked.kind, asked.modalities) == (kind, modalities)


def test_the_subject_of_a_bearer_question_is_what_the_bearer_does():
    assert classify("Under the Australian Act, who must give the Minister a statement?").subject == \
        "give the Minister a statement"


@pytest.mark.parametrize("question, term", [
    ("What does 'obliged entity' mean in the AMLR?", "obliged entity"),
    ("What is meant by a position of vulnerability?", "position of vulnerability"),
    ("How does the Directive define “child”?", "child"),
    ("What does the Palermo Protocol mean by a child?", "child"),
    ("What counts as forced labour under the Canadian act?", "forced labour under the Canadian act"),
    ("What is a reporting entity?", "reporting entity"),
])
def test_a_question_that_names_a_term_asks_what_it_means(question, term):
    asked = classify(question)
    assert asked.kind == "definition" and asked.term == term


@pytest.mark.parametrize("question", [
    "What does the AMLR call a natural person who ultimately owns or controls a company?",
    "What is the term for the total revenue of an entity for a reporting period?",
    "What is an accountant who belongs to a professional body called?",
    "What is the UK Act's name for an offence abroad that would be an offence here?",
])
def test_a_question_that_describes_a_term_asks_for_the_term(question):
    asked = classify(question)
    assert asked.kind == "definition" and asked.term is None and asked.wording == "what the term is"


@pytest.mark.parametrize("question", ["Article 9(5) Palermo", "forced labour in supply chains",
                                      "Can products made with forced labour be sold in the EU?"])
def test_other_questions_ask_for_neither(question):
    assert classify(question) is None


@pytest.mark.parametrize("item, listed, terms", [
    ("(28) ‘beneficial owner’ means any natural person who ultimately owns", False, ["beneficial owner"]),
    ("For the purposes of this Convention the term “forced or compulsory labour” shall mean all work", False,
     ["forced or compulsory labour"]),
    ("A “slavery or human trafficking offence” means an offence listed in Schedule 1.", False,
     ["slavery or human trafficking offence"]),
    ("consolidated revenue, of an entity, means:", True, ["consolidated revenue"]),
    ("sensitive information: information is sensitive information if:", True, ["sensitive information"]),
    ("Property is criminal property if—", False, ["criminal property"]),
    ("A relevant professional adviser is an accountant, auditor or tax adviser who is a member", False,
     ["relevant professional adviser"]),
    ("A position of vulnerability means a situation in which the person concerned has no real", False,
     ["position of vulnerability"]),
    ("Exploitation shall include, as a minimum, the exploitation of the prostitution of others", False,
     ["Exploitation"]),
    ("1. Slavery is the status or condition of a person over whom any or all of the powers", True, ["Slavery"]),
    ("The Minister must maintain a register, to be known as the Modern Slavery Statements Register.", False,
     ["Modern Slavery Statements Register"]),
    ("an entity which carries out business operations related to the company (‘indirect business partner’);",
     False, ["indirect business partner"]),
    ("The following entities are to be considered obliged entities for the purposes of this Regulation:", False,
     ["obliged entities"]),
])
def test_the_drafting_forms_of_a_definition_give_its_term(item, listed, terms):
    assert terms_in(item, listed) == terms


@pytest.mark.parametrize("item, listed", [
    ("The Commissioner must not engage in paid work outside the duties of the office.", False),
    ("A person who is a nominated officer commits an offence if—", False),
    ("property is obtained by a person if he obtains an interest in it;", False),
    ("It is immaterial who carried out the conduct.", True),
    ("If a person benefits from conduct his benefit is the property obtained", True),
])
def test_sentences_that_define_nothing_give_no_term(item, listed):
    assert terms_in(item, listed) == []


def test_a_run_in_list_is_read_item_by_item_and_a_pointer_gives_way():
    rows = [
        {"id": "x-act/s4", "citation": "s.4 X Act", "heading": "Definitions",
         "text": "In this Act:\n\nreporting entity: see section 5.\n\nrules means rules made by the Minister.\n\n"
                 "control, of an entity by another entity, means control of the entity within the meaning of\n"
                 "(a) the accounting standards; or\n(b) the rules."},
        {"id": "x-act/s5", "citation": "s.5 X Act", "heading": "Meaning of reporting entity",
         "text": "An entity is a reporting entity for a reporting period if it has revenue of $100 million."},
    ]
    found = {d.term: d for d in definitions_in(rows)}
    assert set(found) == {"reporting entity", "rules", "control"}
    assert found["reporting entity"].provision == "x-act/s5"  # the definition, not the pointer to it
    assert found["control"].text.endswith("(b) the rules.")  # the item keeps its points


@pytest.mark.parametrize("expected, given", [
    ("the Minister", "The Minister"), ("commercial organisations", "A commercial organisation within subsection (2)"),
    ("Member States", "each Member State"), ("obliged entity", "Obliged entities"),
])
def test_namings_of_one_bearer_match(expected, given):
    assert names(expected, given)


def test_namings_of_different_bearers_do_not():
    assert not names("Member States", "the Commission")
    assert not names("competent authority", "authority")  # the gold phrase must be there whole
    assert normal_form("the Process of the States") == "process of state"


def test_who_is_the_one_that_is_read_as_who():
    asked = classify("Inside a bank, who is the person that must remedy the deficiencies found?")
    assert (asked.kind, asked.modalities, asked.subject) == ("bearer", ("obligation",), "remedy the deficiencies found")


@pytest.mark.parametrize("sentence, verb, doer", [
    ("is approved by the principal governing body of the entity; and", "approves", "the principal governing body of the entity"),
    ("The final report shall be adopted by the Executive Board, taking into account the observations", "adopt",
     "the Executive Board"),
    ("a comprehensive review of this Act must be undertaken by the committee of the Senate, of the House", "undertake",
     "the committee of the Senate"),
    ("is signed by a responsible member of the entity; and", "signs", "a responsible member of the entity"),
])
def test_the_doer_of_a_passive_norm_is_who_does_what_the_question_asks(sentence, verb, doer):
    assert _doer({"sentence": sentence, "action": None}, verb_root(verb)) == (doer, True)


def test_an_active_norm_with_the_questions_verb_keeps_its_bearer():
    norm = {"sentence": "The Minister must maintain a register.", "action": "maintain a register"}
    assert _doer(norm, verb_root("maintains")) == (None, True)
    assert _doer(norm, verb_root("publishes")) == (None, False)
