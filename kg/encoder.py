"""The search encoder: all-MiniLM-L6-v2 adapted to the corpus, with no labels, at build time.

The stock model reads statute poorly: on the hand-written questions it finds the answering
provision in its top five 59% of the time. Two self-supervised tasks teach it the corpus's own
vocabulary without any labelled question:

- a provision's heading should find the provision's text ("Tipping off" → the paragraph);
- one sentence of a paragraph should find the rest of the paragraph (the inverse cloze task of
  Lee, Chang and Toutanova, 2019, "Latent Retrieval for Weakly Supervised Open Domain QA").

One epoch of contrastive training with in-batch negatives (the loss of sentence-transformers'
MultipleNegativesRankingLoss, symmetric) takes a few minutes on two CPU cores. The word embeddings
and the lowest layers stay frozen: it halves the work and keeps the model's general English.

The encoder is adapted to the shipped corpus (``ingest/sources``), so a build of another folder of
sources, or one with an instrument added elsewhere, reuses it: it reads new law as it reads the rest.
It is cached under ``<cache>/encoders/<key>``, keyed by the recipe and the training pairs.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path
from typing import Callable

from ingest.errors import PCGError
from kg.config import cache_dir

RECIPE = {"version": 1, "epochs": 1, "batch": 32, "learning_rate": 3e-5, "scale": 20.0, "max_tokens": 64,
          "frozen_layers": 2, "seed": 0}
MIN_SENTENCE_WORDS = 6  # a shorter "sentence" is a list fragment, too thin to stand for its paragraph


class EncoderError(PCGError):
    code = "E011"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if len(s.split()) >= MIN_SENTENCE_WORDS]


def training_pairs(units) -> list[tuple[str, str]]:
    """(query, passage) pairs from the English search units, in a fixed shuffled order."""
    chooser = random.Random(RECIPE["seed"])
    pairs = []
    for unit in units:
        if unit.language != "en":
            continue
        is_recital = "/rec" in unit.provision
        if unit.heading and not is_recital:
            pairs.append((unit.heading, f"{unit.short_title}, {unit.citation}: {unit.text}"))
        sentences = _sentences(unit.text)
        if len(sentences) >= 2:
            held_out = chooser.choice(sentences)
            heading = f" — {unit.heading}" if unit.heading else ""
            rest = " ".join(unit.text.replace(held_out, " ").split())
            pairs.append((held_out, f"{unit.short_title}, {unit.citation}{heading}: {rest}"))
    chooser.shuffle(pairs)
    return pairs


def encoder_key(pairs: list[tuple[str, str]]) -> str:
    from kg.embeddings import MODEL_NAME

    digest = hashlib.sha256(json.dumps([MODEL_NAME, RECIPE], sort_keys=True).encode())
    for query, passage in pairs:
        digest.update(f"{query}\0{passage}\0".encode())
    return f"{MODEL_NAME}-adapted-{digest.hexdigest()[:16]}"


def encoder_dir(key: str) -> Path:
    return cache_dir() / "encoders" / key


def require_encoder(key: str) -> Path:
    folder = encoder_dir(key)
    if not (folder / "adaptation.json").exists():
        raise EncoderError(f"the search index was built with encoder {key}, which is not in {folder.parent}: "
                           "run 'python -m kg build --force' to adapt it again")
    return folder


def adapted_encoder(units, progress: Callable[[int, int], None] | None = None) -> str:
    """The key of the encoder adapted to ``units``, training it first if it is not cached."""
    pairs = training_pairs(units)
    key = encoder_key(pairs)
    folder = encoder_dir(key)
    if not (folder / "adaptation.json").exists():
        _train(pairs, folder, progress)
    return key


def _train(pairs: list[tuple[str, str]], folder: Path, progress) -> None:
    import torch

    from kg.embeddings import stock_model_path

    path = stock_model_path()  # first: it switches the hub off before sentence-transformers loads
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" would cut into the build's bar
    torch.manual_seed(RECIPE["seed"])  # before loading: the seed also fixes dropout during training
    model = SentenceTransformer(path, device="cpu")
    model.max_seq_length = RECIPE["max_tokens"]
    frozen = ("embeddings.",) + tuple(f"layer.{n}." for n in range(RECIPE["frozen_layers"]))
    trained = []
    for name, parameter in model.named_parameters():
        parameter.requires_grad = not any(part in name for part in frozen)
        if parameter.requires_grad:
            trained.append(parameter)
    optimiser = torch.optim.AdamW(trained, lr=RECIPE["learning_rate"])
    batch_size = RECIPE["batch"]
    batches = [pairs[i : i + batch_size] for i in range(0, len(pairs) - batch_size + 1, batch_size)]
    steps = RECIPE["epochs"] * len(batches)
    model.train()
    losses = []
    for step in range(steps):
        batch = batches[step % len(batches)]
        queries = _encode_for_training(model, [q for q, _ in batch])
        passages = _encode_for_training(model, [p for _, p in batch])
        similarity = queries @ passages.T * RECIPE["scale"]
        target = torch.arange(len(batch))
        loss = (torch.nn.functional.cross_entropy(similarity, target)
                + torch.nn.functional.cross_entropy(similarity.T, target)) / 2
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        losses.append(round(loss.item(), 4))
        if progress:
            progress(step + 1, steps)
    model.eval()
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save(str(partial))
    (partial / "adaptation.json").write_text(json.dumps(
        {"recipe": RECIPE, "pairs": len(pairs), "steps": steps, "first_loss": losses[0], "last_loss": losses[-1]},
        indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def _encode_for_training(model, texts: list[str]):
    import torch

    return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)
