"""The search encoder adapted to the corpus at build time (kg.search.adaptation), on the real build."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from kg.errors import EncoderError
from kg.search.adaptation import REUSE_UNSEEN_SHARE, generated_questions, training_pairs
from kg.search.models import encoder_dir, require_encoder
from kg.evaluate import GOLD_DIR, read_jsonl
from kg.search.ranking import tokens


@pytest.fixture(scope="module")
def shipped_units():
    from ingest.catalogue import list_instruments
    from kg.search.units import index_units

    return index_units([(i, i.parse()) for i in list_instruments()])


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def evaluation_questions() -> list[str]:
    """Every question of every evaluation set (search dev/test, blind, direct answers)."""
    return [row["question"] for path in sorted(GOLD_DIR.glob("*.jsonl"))
            for row in read_jsonl(path) if "question" in row]


def test_training_pairs_come_from_the_texts_and_the_generated_questions(shipped_units):
    pairs = training_pairs(shipped_units)
    assert len(pairs) > 4000
    # no labelled question leaks into training: none is a query, and none is nearly one
    for question in evaluation_questions():
        asked = words(question)
        assert all(len(asked & words(query)) < 0.8 * len(asked) for query, _ in pairs if len(words(query)) < 40)
    # an inverse-cloze pair: the held-out sentence is not left in its passage
    cloze = [(q, p) for q, p in pairs if len(q.split()) >= 6]
    assert cloze and all(q not in p for q, p in cloze[:200])
    # headings of other-language units are not used: the model reads English
    assert not any("Sorgfaltspflichten" in q for q, _ in pairs)


def test_training_pairs_are_the_same_on_every_run(shipped_units):
    assert training_pairs(shipped_units) == training_pairs(shipped_units)


def test_each_generated_question_is_paired_with_the_provision_it_was_written_for(shipped_units):
    questions = generated_questions()
    assert len(questions) > 2000
    english = {u.provision: u for u in shipped_units if u.language == "en"}
    # written for the shipped corpus's provisions as search holds them: a parser change that renames
    # them must not silently drop the questions out of training
    assert all(provision in english for provision, _ in questions)
    pairs = set(training_pairs(shipped_units))
    provision, question = questions[0]
    assert (question, english[provision].embedding_text()) in pairs
    # and only for the corpus being built: without that instrument, its questions are not trained on
    instrument = provision.split("/")[0]
    without = set(training_pairs([u for u in shipped_units if u.instrument != instrument]))
    assert not any(query == question for query, _ in without)


def test_bm25_reads_the_questions_written_for_a_provision_and_the_encoder_does_not(shipped_units):
    questions = generated_questions()
    by_provision = {u.provision: u for u in shipped_units}
    assert sum(len(u.questions) for u in shipped_units) == len(questions)
    provision, question = questions[0]
    unit = by_provision[provision]
    assert question in unit.questions and question in unit.lexical_text()
    assert question not in unit.embedding_text()
    assert not any(u.questions for u in shipped_units if u.language != "en")


def test_no_generated_question_nearly_repeats_an_evaluation_question():
    """The rule kg/search_data/README.md states: none holds 80% of an evaluation question's words or
    70% of its content-word stems, so training on them does not inflate the figures."""
    generated = [(words(q), set(tokens(q))) for _, q in generated_questions()]
    for question in evaluation_questions():
        asked, stems = words(question), set(tokens(question))
        for said, stemmed in generated:
            assert len(asked & said) < 0.8 * len(asked), question
            assert not stems or len(stems & stemmed) < 0.7 * len(stems), question


def test_a_malformed_line_of_generated_questions_is_named_and_the_rest_kept(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join([
        '{"provision": "palermo-protocol/art5/1", "question": "Must  countries make trafficking a crime?"}',
        '{"provision": "palermo-protocol/art6/3"',
        '["palermo-protocol/art6/3", "a list, not an object"]',
        '{"provision": "palermo-protocol/art6/3", "question": ""}',
        '{"provision": "palermo-protocol/art6/3", "question": "' + "very " * 100 + 'long?"}',
        "",
        '{"provision": "palermo-protocol/art9/1", "question": "What must states do to prevent trafficking?"}',
    ]), encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        found = generated_questions(path)
    assert found == (("palermo-protocol/art5/1", "Must countries make trafficking a crime?"),
                     ("palermo-protocol/art9/1", "What must states do to prevent trafficking?"))
    messages = [str(w.message) for w in caught]
    assert [m.split(": ")[0] for m in messages] == [f"{path}, line {n}" for n in (2, 3, 4, 5)]
    assert "not JSON" in messages[0] and "longer than 400 characters" in messages[3]


def test_the_build_names_its_adapted_encoder(built_graph):
    manifest = json.loads(built_graph.manifest.read_text(encoding="utf-8"))
    key = manifest["search"]["encoder"]
    adaptation = json.loads((require_encoder(key) / "adaptation.json").read_text(encoding="utf-8"))
    assert adaptation["steps"] > 0 and adaptation["last_loss"] < adaptation["first_loss"]
    # it records what it was trained on, which the build compared with the corpus it built
    trained = adaptation["trained_on"]
    assert len(trained["pair_digests"]) == trained["pairs"] == sum(trained["by_instrument"].values())
    assert all(len(d) == 16 for d in trained["pair_digests"])
    choice = manifest["search"]["adaptation"]
    assert choice["key"] == key and choice["status"] in ("trained", "cached", "reused")
    assert choice["unseen_share"] <= REUSE_UNSEEN_SHARE
    if choice["status"] != "reused":
        assert choice["pairs"] == trained["pairs"] and choice["unseen"] == 0
    index = json.loads(built_graph.search_index.encoder.read_text(encoding="utf-8"))
    assert index["encoder"] == key


def test_the_adapted_encoder_reads_differently_from_the_stock_model(built_graph):
    from kg.search.question_embedding import embed_query
    from kg.search.ranking import current_index

    question = "who has to report on forced labour in their supply chains?"
    adapted, stock = embed_query(question, current_index().encoder), embed_query(question)
    assert adapted.shape == stock.shape == (384,)
    assert abs(float(np.linalg.norm(adapted)) - 1) < 1e-4
    assert float(adapted @ stock) < 0.999


def test_a_missing_encoder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PCG_CACHE_DIR", str(tmp_path))
    with pytest.raises(EncoderError) as raised:
        require_encoder("all-MiniLM-L6-v2-adapted-0000000000000000")
    assert "E011" in str(raised.value) and "kg build --force" in str(raised.value)
    assert str(encoder_dir("x").parent) in str(raised.value)
