"""The two ways the project runs its encoder give sentence-transformers' vectors: the batched torch
encoder of the build (kg.search.text_embeddings) and the NumPy encoder of questions (kg.search.question_embedding).
Checked on the real model, the real adapted encoder and real provision texts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from kg.errors import EmbeddingModelError, QuestionEncoderError
from kg.evaluate import GOLD_DIR, read_jsonl
from kg.search.models import MAX_TOKENS, model_folder, stock_model_path
from kg.search.question_embedding import QuestionEncoder
from kg.search.text_embeddings import MeanPoolingEncoder, embed_text_tokens, embed_texts
from tests.conftest import REPO

# sentence-transformers computes in float32 too; the orders of summation differ
TOLERANCE = 1e-5
ODD_TEXTS = ["  a question with spaces around it  ", "¿Quién debe informar sobre el trabajo forzoso?",
             "强迫劳动", "s.54", "x"]


def reference_vectors(folder: str, texts: list[str], max_tokens: int) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(folder, device="cpu")
    reference.max_seq_length = max_tokens
    return reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=16)


@pytest.fixture(scope="module")
def encoders(built_graph) -> dict[str, str]:
    from kg.search.ranking import current_index

    return {"stock": model_folder(), "adapted": model_folder(current_index().encoder)}


@pytest.fixture(scope="module")
def provision_texts(built_graph) -> list[str]:
    from kg.search.ranking import current_index
    from kg.search.units import UNIT_TOKENS

    units = [u for u in current_index().units if u.language == "en"]
    texts = [u.embedding_text() for u in units[::25]]
    longest = max((u.embedding_text() for u in units), key=len)  # truncated at UNIT_TOKENS
    assert len(longest.split()) > UNIT_TOKENS
    return texts + [longest]


@pytest.mark.parametrize("which", ["stock", "adapted"])
def test_the_build_embeds_provisions_as_sentence_transformers_does(which, encoders, provision_texts, tmp_path,
                                                                   monkeypatch):
    from kg.search.models import encoder_dir
    from kg.search.units import UNIT_TOKENS

    monkeypatch.setenv("PCG_CACHE_DIR", str(tmp_path))  # nothing cached: every text is encoded
    key = None
    if which == "adapted":  # the adapted encoder is looked up in the cache dir: copy it there
        key = encoders["adapted"].rsplit("/", 1)[-1]
        shutil.copytree(encoders["adapted"], encoder_dir(key))
    texts = provision_texts + ODD_TEXTS
    vectors = embed_texts(texts, encoder=key, max_tokens=UNIT_TOKENS)
    expected = reference_vectors(encoders[which], texts, UNIT_TOKENS)
    assert vectors.dtype == np.float32 and vectors.shape == expected.shape
    assert np.abs(vectors - expected).max() < TOLERANCE


@pytest.mark.parametrize("which", ["stock", "adapted"])
def test_questions_are_embedded_as_sentence_transformers_does(which, encoders, provision_texts):
    questions = [q["question"] for q in read_jsonl(GOLD_DIR / "questions.jsonl")][:40]
    texts = questions + ODD_TEXTS + provision_texts[:5]  # provisions: longer than MAX_TOKENS, truncated
    encoder = QuestionEncoder(encoders[which], MAX_TOKENS)
    vectors = np.stack([encoder.encode(t) for t in texts])
    expected = reference_vectors(encoders[which], texts, MAX_TOKENS)
    assert vectors.dtype == np.float32
    assert np.abs(vectors - expected).max() < TOLERANCE


def test_answering_a_question_does_not_import_torch(built_graph):
    """Importing torch and transformers took 5 s of the app's first answer (bench/app_first_answer_bench.py)."""
    script = ("import sys; from kg.search.answering import search; hits, _ = search('who must report on forced labour?'); "
              "assert hits; print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
              "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_model_that_does_not_mean_pool_is_refused(tmp_path):
    shutil.copytree(stock_model_path(), tmp_path / "model")
    (tmp_path / "model" / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "cls"}))
    with pytest.raises(EmbeddingModelError) as raised:
        MeanPoolingEncoder(str(tmp_path / "model"))
    assert "E012" in str(raised.value) and "cls" in str(raised.value) and "1_Pooling" in str(raised.value)


def test_a_model_that_is_not_bert_is_refused_for_questions(tmp_path):
    shutil.copytree(stock_model_path(), tmp_path / "model")
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    (tmp_path / "model" / "config.json").write_text(json.dumps({**config, "hidden_act": "silu"}))
    with pytest.raises(QuestionEncoderError) as raised:
        QuestionEncoder(tmp_path / "model", MAX_TOKENS)
    assert "E013" in str(raised.value) and "silu" in str(raised.value)


def test_an_encoder_trained_again_in_place_is_not_read_from_the_cache(tmp_path, monkeypatch):
    """Regression: the reranking encoder is trained again under the same key when its recipe changes
    (kg.search.late_interaction), and its word-piece vectors were read back from the embedding cache,
    as the weights it had before made them."""
    import torch
    from sentence_transformers import SentenceTransformer

    from kg.search import text_embeddings
    from kg.search.adaptation import save_trained
    from kg.search.models import encoder_dir

    monkeypatch.setenv("PCG_CACHE_DIR", str(tmp_path))
    key, texts = "trained-again-in-place", ["Each State Party shall adopt such legislative measures."]
    trained = SentenceTransformer(stock_model_path(), device="cpu")
    save_trained(trained, encoder_dir(key), {"recipe": {"version": 1}})
    before = embed_text_tokens(texts, encoder=key)[0]
    with torch.no_grad():
        trained[0].auto_model.encoder.layer[-1].output.dense.weight.mul_(0.5)
    save_trained(trained, encoder_dir(key), {"recipe": {"version": 2}})
    text_embeddings.model.cache_clear()  # a new build is a new process
    after = embed_text_tokens(texts, encoder=key)[0]
    assert before.shape == after.shape and np.abs(before - after).max() > 0.01
    assert np.abs(embed_text_tokens(texts, encoder=key)[0] - after).max() == 0  # and cached again
