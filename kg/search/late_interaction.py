"""The second stage of search: late interaction (the MaxSim of ColBERT, Khattab and Zaharia, 2020,
"ColBERT: Efficient and Effective Passage Search via Contextualized Late Interaction over BERT").

The first stage (kg.search.ranking) compares one vector per provision with one per question, and
fuses that ranking with BM25's. The answer is among the first 30 grouped hits for 93% of the held-out
questions but in the first five for 77%: what is missing is a finer reading of those 30. Late
interaction gives it at little cost. Every word piece of a provision keeps its own vector, written
at build time; a question's word pieces (stopwords and punctuation left out) are each matched to the
provision's closest word piece, and the mean of those cosines, each weighted by its piece's inverse
document frequency over the provisions (:func:`piece_weights`), ranks the 30 candidates. That ranking
joins the fusion as a third list, over the candidates only (:data:`LATE_WEIGHT`).

The token vectors come from their own encoder: the adapted encoder (kg.search.adaptation) trained
one pass more, with the MaxSim score in the in-batch loss (:data:`RECIPE`), on the adaptation's pairs
whose query is a plain-language question written for a provision (:func:`reranker_pairs`): the pairs
most like what it reranks. A corpus with too few of them (a corpus other than the shipped one, for
which no questions were written) trains it on the first half of all the adaptation's pairs, as
before. It is saved inside the adapted encoder's folder, as ``late-interaction/``, so it is cached,
reused and adapted anew with it, and it is addressed like an encoder, by the key
``<adapted key>/late-interaction`` (:func:`late_encoder`). Trained into the adaptation itself, in the
same pass, the first stage lost two dev questions (README, Search).

A question's word pieces are encoded in NumPy (kg.search.question_embedding), as its vector is.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np

from kg.search.adaptation import generated_questions, instrument_pairs, save_trained, train_contrastive
from kg.search.models import encoder_dir, model_folder, word_piece_tokenizer

FOLDER = "late-interaction"
# The adaptation's recipe, with MaxSim for the score. Passages are read up to 64 word pieces, as in
# the adaptation: on dev, 128 gave hybrid hit@5 0.815–0.833 and MRR 0.666–0.684 over three training
# runs, 64 gave 0.843 and 0.674, and trains in 60% of the time (3.5 minutes on 2 cores, not 6, then
# with all the pairs). It trains on the generated questions' pairs (2,129 of the shipped corpus's
# 5,715): on dev, hybrid hit@5 0.880 and MRR 0.739, against 0.870 and 0.730 for the first half of all
# pairs and 0.870 and 0.732 for the questions' and the headings' pairs; 96 s of training on 2 cores,
# against 144 s. Without them (version 2), half of all pairs: before the generated questions, all
# pairs and half gave hit@5 0.833 (MRR 0.690 and 0.686), a quarter 0.815 (0.678).
RECIPE = {"version": 3, "epochs": 1, "batch": 32, "learning_rate": 3e-5, "scale": 20.0, "max_tokens": 64,
          "query_tokens": 64, "passage_tokens": 64, "frozen_layers": 2, "seed": 0, "pairs_share": 0.5,
          "min_question_pairs": 640}
# The hybrid ranking's first this many units are ranked again by late interaction.
DEPTH = 30
# The late-interaction ranking's weight in the fusion, beside dense (1.0) and BM25 (0.75), chosen on
# the dev questions (README, Search).
LATE_WEIGHT = 1.0
# A question's word pieces that carry no meaning of their own are not matched: they would match a
# "the" or a comma in every provision alike.
MEANINGFUL_PIECE = re.compile(r"[a-z0-9]")


def late_encoder(encoder: str | None) -> str | None:
    """The key of the late-interaction encoder trained from ``encoder`` (None: the stock model has none)."""
    return None if encoder is None else f"{encoder}/{FOLDER}"


def trained_late_encoder(encoder: str | None, units, progress=None) -> str | None:
    """:func:`late_encoder` of ``encoder``, trained first, on the pairs of ``units``, unless it is in
    the encoder's folder with this recipe."""
    key = late_encoder(encoder)
    if key is None:
        return None
    try:
        recorded = json.loads((encoder_dir(key) / "adaptation.json").read_text(encoding="utf-8")).get("recipe")
    except (OSError, ValueError):
        recorded = None
    if recorded != RECIPE:
        pairs = reranker_pairs(units)
        model, steps, losses = train_contrastive(pairs, model_folder(encoder), RECIPE, maxsim_similarity, progress)
        save_trained(model, encoder_dir(key), {"model": encoder, "recipe": RECIPE, "pairs": len(pairs),
                                               "steps": steps, "first_loss": losses[0], "last_loss": losses[-1]})
    return key


def reranker_pairs(units) -> list[tuple[str, str]]:
    """The pairs the reranking encoder trains on, in the adaptation's fixed order: those whose query is
    a generated question, if there are ``min_question_pairs`` (20 batches); else the first
    ``pairs_share`` of all the adaptation's pairs (at least one batch)."""
    pairs = [pair for _, pair in instrument_pairs(units)]
    asked = {question for _, question in generated_questions()}
    questions = [pair for pair in pairs if pair[0] in asked]
    if len(questions) >= RECIPE["min_question_pairs"]:
        return questions
    return pairs[: max(RECIPE["batch"], round(len(pairs) * RECIPE["pairs_share"]))]


def maxsim_similarity(model, queries: list[str], passages: list[str], recipe: dict):
    """For each query and passage, the mean over the query's word pieces of their best cosine with
    one of the passage's ([CLS] and [SEP] left out on both sides)."""
    import torch

    query_vectors, query_mask = _token_vectors_for_training(model, queries, recipe["query_tokens"])
    passage_vectors, passage_mask = _token_vectors_for_training(model, passages, recipe["passage_tokens"])
    cosines = torch.einsum("iqd,jpd->ijqp", query_vectors, passage_vectors)
    best = cosines.masked_fill(passage_mask[None, :, None, :] == 0, -1e4).max(-1).values
    return (best * query_mask[:, None, :]).sum(-1) / query_mask.sum(-1)[:, None]


def _token_vectors_for_training(model, texts: list[str], max_tokens: int):
    import torch

    tokenizer = model.tokenizer
    features = tokenizer(texts, truncation=True, max_length=max_tokens, padding=True, return_tensors="pt")
    states = model(dict(features))["token_embeddings"]
    ids = features["input_ids"]
    mask = features["attention_mask"].float() * (ids != tokenizer.cls_token_id) * (ids != tokenizer.sep_token_id)
    return torch.nn.functional.normalize(states, dim=-1), mask


def question_token_vectors(question: str, encoder: str,
                           stopwords: frozenset[str] | set[str]) -> tuple[np.ndarray, list[str]]:
    """The normalised vectors of the question's meaningful word pieces, neither punctuation nor one
    of ``stopwords`` (search's, kg.search.ranking.STOPWORDS), and those pieces; all of them when
    none is meaningful."""
    from kg.search.question_embedding import question_model  # NumPy: loaded with the first question

    vectors, pieces = question_model(encoder, RECIPE["query_tokens"]).encode_tokens(question)
    keep = [n for n, piece in enumerate(pieces)
            if MEANINGFUL_PIECE.search(piece) and piece.removeprefix("##") not in stopwords]
    return (vectors[keep], [pieces[n] for n in keep]) if keep else (vectors, pieces)


def piece_frequencies(texts: list[str], encoder: str, max_tokens: int) -> dict:
    """How many of ``texts`` hold each word piece, read as the encoder reads them (up to
    ``max_tokens`` word pieces, [CLS] and [SEP] left out): ``{"texts": n, "pieces": {piece: count}}``,
    written beside the word-piece vectors at build time for :func:`piece_weights`."""
    tokenizer = word_piece_tokenizer(model_folder(encoder), max_tokens)
    counts: Counter[str] = Counter()
    for encoding in tokenizer.encode_batch([text.strip() for text in texts]):
        counts.update(set(encoding.tokens[1:-1]))
    return {"texts": len(texts), "pieces": dict(sorted(counts.items()))}


def piece_weights(pieces: list[str], frequencies: dict | None) -> np.ndarray:
    """Each question piece's inverse document frequency over the indexed units, ``ln((n + 1) /
    (count + 1))``, as BERTScore weighs its token matches (Zhang et al., 2020): a piece that most
    provisions hold ("shall", "member") says little about which one answers. Equal weights without
    ``frequencies`` (an index built before they were written)."""
    if frequencies is None:
        return np.ones(len(pieces), dtype=np.float32)
    texts, counts = frequencies["texts"], frequencies["pieces"]
    return np.array([np.log((texts + 1) / (counts.get(piece, 0) + 1)) for piece in pieces], dtype=np.float32)


def maxsim_scores(question: np.ndarray, tokens: np.ndarray, offsets: np.ndarray, candidates: np.ndarray,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """Late-interaction score of each candidate unit: the mean over the question's word-piece vectors
    (weighted by ``weights``, :func:`piece_weights`; equally without) of their best cosine with one
    of the unit's (``tokens[offsets[u]:offsets[u + 1]]``); ``-inf`` for a unit without word pieces
    (one the encoder cannot read)."""
    scores = np.full(len(candidates), -np.inf, dtype=np.float32)
    if not len(question):
        return scores
    if weights is None or not weights.sum() > 0:  # all zero: every piece in every unit, so count all alike
        weights = np.ones(len(question), dtype=np.float32)
    weights = weights / weights.sum()
    for n, unit in enumerate(candidates):
        start, end = int(offsets[unit]), int(offsets[unit + 1])
        if end > start:
            cosines = question @ np.asarray(tokens[start:end], dtype=np.float32).T
            scores[n] = float(cosines.max(1) @ weights)
    return scores
