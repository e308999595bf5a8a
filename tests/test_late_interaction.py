"""Search's second stage, late interaction (kg.search.late_interaction), on the real build: its
encoder, trained from the adapted one at build time; the provisions' word-piece vectors; questions'
word pieces encoded in NumPy as the build encodes them in torch; and a reranking that reorders the
first stage's candidates and nothing else."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kg.search import late_interaction
from kg.search.models import model_folder, require_encoder

QUESTIONS = ["Who must publish a modern slavery statement?", "Can a bank be told not to tip off a customer?",
             "  what does 'forced or compulsory labour' mean?  ", "s.54", "强迫劳动"]


@pytest.fixture(scope="module")
def index(built_graph):
    from kg.search.ranking import current_index

    return current_index()


def test_the_build_trains_the_reranking_encoder_from_the_adapted_one(built_graph, index):
    manifest = json.loads(built_graph.manifest.read_text(encoding="utf-8"))
    encoder = manifest["search"]["encoder"]
    assert manifest["search"]["late_encoder"] == index.late_encoder == f"{encoder}/late-interaction"
    record = json.loads((require_encoder(index.late_encoder) / "adaptation.json").read_text(encoding="utf-8"))
    assert record["model"] == encoder and record["recipe"] == late_interaction.RECIPE
    assert record["steps"] > 0 and record["last_loss"] < record["first_loss"]


def test_every_english_unit_has_the_vectors_of_its_word_pieces(index):
    from kg.search.units import UNIT_TOKENS

    lengths = np.diff(index.token_offsets)
    assert len(lengths) == len(index.units) and index.token_offsets[-1] == len(index.tokens)
    english = np.array([u.language == "en" for u in index.units])
    assert (lengths[english] > 0).all() and (lengths[~english] == 0).all()
    assert lengths.max() == UNIT_TOKENS - 2  # [CLS] and [SEP] are not kept
    assert index.tokens.dtype == np.float16
    sample = np.asarray(index.tokens[:: max(1, len(index.tokens) // 500)], dtype=np.float32)
    assert np.allclose(np.linalg.norm(sample, axis=1), 1.0, atol=2e-3)


@pytest.mark.parametrize("question", QUESTIONS)
def test_questions_word_pieces_are_encoded_as_the_build_encodes_texts(question, index):
    from kg.search.question_embedding import QuestionEncoder
    from kg.search.text_embeddings import MeanPoolingEncoder

    folder = model_folder(index.late_encoder)
    in_numpy, pieces = QuestionEncoder(folder, late_interaction.RECIPE["query_tokens"]).encode_tokens(question)
    batched = MeanPoolingEncoder(folder)
    in_torch = batched.encode_tokens_tokenized(batched.tokenize([question], late_interaction.RECIPE["query_tokens"]))
    assert len(pieces) == len(in_numpy) == len(in_torch[0]) > 0
    assert np.abs(in_numpy - in_torch[0].astype(np.float32)).max() < 2e-3  # float16 in the index


def test_meaningless_word_pieces_of_a_question_are_not_matched(index):
    from kg.search.question_embedding import question_model
    from kg.search.ranking import STOPWORDS

    vectors, kept = late_interaction.question_token_vectors("What is the duty of the bank?", index.late_encoder,
                                                            STOPWORDS)
    everything, pieces = question_model(index.late_encoder, late_interaction.RECIPE["query_tokens"]).encode_tokens(
        "What is the duty of the bank?")
    assert pieces == ["what", "is", "the", "duty", "of", "the", "bank", "?"]
    assert kept == ["duty", "bank"] and np.array_equal(vectors, everything[[3, 6]])
    # a question of stopwords alone is matched on all of them rather than on nothing
    vectors, kept = late_interaction.question_token_vectors("what is it?", index.late_encoder, STOPWORDS)
    assert len(vectors) == len(kept) == 4


def test_maxsim_is_the_mean_of_each_question_pieces_best_match():
    question = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    tokens = np.array([[1.0, 0.0], [0.6, 0.8], [0.8, 0.6]], dtype=np.float16)
    offsets = np.array([0, 2, 2, 3])  # unit 1 has no word pieces
    scores = late_interaction.maxsim_scores(question, tokens, offsets, np.array([0, 1, 2]))
    assert scores[0] == pytest.approx((1.0 + 0.8) / 2, abs=1e-3)
    assert scores[1] == -np.inf
    assert scores[2] == pytest.approx((0.8 + 0.6) / 2, abs=1e-3)
    assert (late_interaction.maxsim_scores(question[:0], tokens, offsets, np.array([0])) == -np.inf).all()
    weighted = late_interaction.maxsim_scores(question, tokens, offsets, np.array([0, 2]), np.array([3.0, 1.0]))
    assert weighted == pytest.approx([(3 * 1.0 + 0.8) / 4, (3 * 0.8 + 0.6) / 4], abs=1e-3)
    # weights that are all zero (pieces every unit holds) count the pieces alike
    flat = late_interaction.maxsim_scores(question, tokens, offsets, np.array([0]), np.zeros(2, dtype=np.float32))
    assert flat == pytest.approx([(1.0 + 0.8) / 2], abs=1e-3)


def test_a_question_piece_that_few_provisions_hold_weighs_more(index):
    frequencies = index.piece_frequencies
    english = sum(u.language == "en" for u in index.units)
    assert frequencies["texts"] == english
    assert 0 < frequencies["pieces"]["laundering"] < frequencies["pieces"]["shall"] <= english
    weights = late_interaction.piece_weights(["laundering", "shall", "zzzunseen"], frequencies)
    assert weights[2] > weights[0] > weights[1] > 0
    assert weights[2] == pytest.approx(np.log(english + 1), rel=1e-5)
    assert (late_interaction.piece_weights(["laundering", "shall"], None) == 1).all()  # an index without them


def test_piece_frequencies_count_each_text_once_as_the_encoder_reads_it(index):
    counted = late_interaction.piece_frequencies(["Shall shall SHALL pay.", "  the bank shall  ", "bank"],
                                                 index.late_encoder, max_tokens=4)
    assert counted["texts"] == 3
    # a budget of 4 word pieces holds [CLS], two pieces and [SEP]: "pay" and the second text's "shall" are cut
    assert counted["pieces"] == {"shall": 1, "the": 1, "bank": 2}


@pytest.mark.parametrize("question", ["Which companies must report on forced labour in their supply chains?",
                                      "What must a bank do when it suspects money laundering?"])
def test_reranking_reorders_the_first_stage_candidates_and_nothing_else(question, index):
    allowed = np.ones(len(index.units), dtype=bool)
    first = index.first_stage().ranking(question, "hybrid", allowed)
    second = index.ranking(question, "hybrid", allowed)
    depth = late_interaction.DEPTH
    assert {i for i, _ in first[:depth]} == {i for i, _ in second[:depth]}
    assert [i for i, _ in first[:depth]] != [i for i, _ in second[:depth]]
    assert first[depth:] == second[depth:]


def test_an_index_without_word_pieces_ranks_by_the_first_stage(index):
    first = index.first_stage()
    assert first.late_encoder is None and index.late_encoder is not None
    assert index.with_stock_encoder().late_encoder is None


def test_the_reranking_encoder_trains_on_the_generated_questions_pairs():
    from ingest.catalogue import list_instruments
    from kg.search.adaptation import generated_questions, training_pairs
    from kg.search.units import index_units

    units = index_units([(i, i.parse()) for i in list_instruments()])
    asked = {question for _, question in generated_questions()}
    pairs = late_interaction.reranker_pairs(units)
    assert len(pairs) == len(asked) and all(query in asked for query, _ in pairs)
    everything = training_pairs(units)
    assert pairs == [pair for pair in everything if pair[0] in asked]  # in the adaptation's order
    # a corpus with too few questions (one other than the shipped corpus, for which no questions were
    # written) trains on the first half of all its pairs, as before the questions
    small = [u for u in units if u.instrument == "slavery-convention-1926"]
    assert 0 < sum(len(u.questions) for u in small) < late_interaction.RECIPE["min_question_pairs"]
    half = training_pairs(small)
    assert late_interaction.reranker_pairs(small) == half[: max(late_interaction.RECIPE["batch"], round(len(half) / 2))]
