"""The search encoder: all-MiniLM-L6-v2 adapted to the corpus, with no labels, at build time.

The stock model reads statute poorly: on the hand-written questions it finds the answering
provision in its top five 59% of the time. Two self-supervised tasks teach it the corpus's own
vocabulary without any labelled question:

- a provision's heading should find the provision's text ("Tipping off" → the paragraph);
- one sentence of a paragraph should find the rest of the paragraph (the inverse cloze task of
  Lee, Chang and Toutanova, 2019, "Latent Retrieval for Weakly Supervised Open Domain QA").

A third task teaches it how people ask: a plain-language question written for a provision should
find it ("Does a firm have to keep records of why it refused or ended a customer relationship after
failed identity checks?" → Art. 21(3) AMLR). The questions (``kg/search_data/generated_questions.jsonl``,
about one per provision of the shipped corpus) were written by language-model sessions that saw only
the provisions' texts, as InPars (Bonifacio et al., 2022) and Promptagator (Dai et al., 2022)
generate training queries; none holds 80% of the words or 70% of the content-word stems of a
question of any evaluation set (kg/search_data/README.md). An instrument added later has none, and
is read through the other two tasks.

One epoch of contrastive training with in-batch negatives (the loss of sentence-transformers'
MultipleNegativesRankingLoss, symmetric) takes a few minutes on two CPU cores. The word embeddings
and the lowest layers stay frozen: it halves the work and keeps the model's general English.

**When it is adapted again.** An adapted encoder is cached under ``<cache>/encoders/<key>``, keyed
by the recipe and its training pairs, and its ``adaptation.json`` records what it was trained on:
a digest of every pair, and how many pairs each instrument gave. A pair is made from one
paragraph alone (its held-out sentence is drawn from the paragraph's own seed), so adding or
removing an instrument leaves every other instrument's pairs as they were. A build computes the
pairs of the corpus it builds, then (:func:`encoder_for_build`):

1. uses the encoder trained on exactly those pairs, if it is cached;
2. else reuses a cached encoder of the same recipe that was trained on most of them: the one with
   the smallest share of the current pairs it has not seen, if that share is at most
   :data:`REUSE_UNSEEN_SHARE` (25%); on a tie, the current build's encoder, then the one trained on
   the fewest pairs that are no longer in the corpus;
3. else adapts a new encoder to the whole corpus being built.

Search embeddings are cached by encoder (its key and a digest of its ``adaptation.json``,
kg.search.models.encoder_fingerprint) and text, so when an encoder is reused only the new
texts are embedded: adding an instrument costs its own parsing, extraction and embeddings, not a
five-minute adaptation and a re-embedding of the corpus. Reuses do not drift without bound: the
unseen share is counted against the encoder's own training pairs, so instruments added one after
another accumulate until they pass the threshold, and the next build adapts anew to everything.
``kg build --readapt`` asks for the encoder adapted to exactly the corpus being built (trained
unless that very adaptation is cached: training is deterministic). A fresh clone has no cache, so
its first build adapts to the whole shipped corpus, and the evaluation figures are reproducible.

Why 25%: what the encoder learns is the register of statute (headings, defined terms, "shall"
clauses), not one instrument's facts, so it reads law it was not trained on about as well as the
law it was. Measured by ``bench/encoder_reuse_bench.py``: with 8%, 23% and 50% of the corpus's
pairs held out of training, hybrid hit@5 on the gold questions about the held-out instruments was
0.727, 0.878 and 0.811, against 0.727, 0.902 and 0.755 for the encoder trained on everything (the
stock model: 0.773, 0.732, 0.679), and 0.824, 0.811 and 0.862 on the 159 questions of the first
batch against 0.824: differences of zero to six questions, in both directions, as between two
training runs of the same corpus with other seeds (README). And the CSDDD (9.3% of the pairs),
added to a graph built without it, had 14 of its 26 gold questions answered in the top five by the
reused encoder, 15 after re-adaptation (``bench/add_instrument_bench.py``). So reuse cost nothing
measurable up to half the corpus; the threshold is half of that, because the evidence is one
training run per share on 22-53 questions, and because a graph built with a reused encoder no
longer gives a fresh clone's figures: at most a quarter of its corpus is read by an encoder that
did not see it. Any one instrument of today's corpus can be added without adaptation (the largest,
the AMLA Regulation, gives 22% of the pairs); two large ones, or several small ones in turn, bring a
new adaptation.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from kg.caching import loaded_once
from kg.config import SEARCH_DATA_DIR, cache_dir, encoder_reuse_share
from kg.errors import UsageError
from kg.search.models import MODEL_NAME, encoder_dir, stock_model_path

# version 2: each paragraph's held-out sentence is drawn from its own seed (version 1 drew them in
# turn from one generator, so adding an instrument changed the pairs of every instrument after it);
# version 3: the generated questions join the pairs
RECIPE = {"version": 3, "epochs": 1, "batch": 32, "learning_rate": 3e-5, "scale": 20.0, "max_tokens": 64,
          "frozen_layers": 2, "seed": 0}
GENERATED_QUESTIONS = SEARCH_DATA_DIR / "generated_questions.jsonl"
MAX_QUESTION_CHARS = 400
MIN_SENTENCE_WORDS = 6  # a shorter "sentence" is a list fragment, too thin to stand for its paragraph
# A cached encoder is reused for a corpus when at most this share of the corpus's training pairs is
# new to it (why 25%: the module's docstring and README).
REUSE_UNSEEN_SHARE = 0.25


def reuse_share_setting() -> float:
    """``PCG_ENCODER_REUSE_SHARE`` (0 to 1; 1 reuses any adapted encoder, as bench/scale_bench.py
    does to time a 10× build without a 10× training run), else :data:`REUSE_UNSEEN_SHARE`."""
    value = encoder_reuse_share()
    if not value:
        return REUSE_UNSEEN_SHARE
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise UsageError(f"PCG_ENCODER_REUSE_SHARE must be a share between 0 and 1, not {value!r}")
    return share


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if len(s.split()) >= MIN_SENTENCE_WORDS]


def training_pairs(units) -> list[tuple[str, str]]:
    """(query, passage) pairs from the English search units, in a fixed shuffled order."""
    return [pair for _, pair in instrument_pairs(units)]


def instrument_pairs(units) -> list[tuple[str, tuple[str, str]]]:
    """(instrument id, (query, passage)) for :func:`training_pairs`. A unit's pairs depend on that
    unit alone (its held-out sentence is drawn from a generator seeded by its provision id, and its
    generated questions are those written for its provision id); only their order depends on the
    whole corpus. The self-supervised pairs are shuffled once, as before the generated questions
    existed; those are appended in the file's order, and all are shuffled again."""
    pairs = _self_supervised_pairs(units)
    english = {unit.provision: unit for unit in units if unit.language == "en"}
    for provision, question in generated_questions():
        unit = english.get(provision)
        if unit is not None:
            pairs.append((unit.instrument, (question, unit.embedding_text())))
    random.Random(RECIPE["seed"]).shuffle(pairs)
    return pairs


@loaded_once(maxsize=1)
def generated_questions(path: Path = GENERATED_QUESTIONS) -> tuple[tuple[str, str], ...]:
    """(provision id, question) of each line of ``path`` (the module's docstring) that holds both as
    text; a line that does not is left out, with a warning that names it."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            problem = f"not JSON ({error})"
        else:
            problem = _question_problem(row)
        if problem:
            warnings.warn(f"{path}, line {number}: {problem}; the line is left out of the search encoder's "
                          "training", stacklevel=2)
        else:
            found.append((row["provision"], " ".join(row["question"].split())))
    return tuple(found)


def _question_problem(row) -> str | None:
    if not (isinstance(row, dict) and isinstance(row.get("provision"), str)
            and isinstance(row.get("question"), str) and row["question"].strip()):
        return 'not an object with a "provision" and a "question", each a string'
    if len(row["question"]) > MAX_QUESTION_CHARS:
        return f"a question longer than {MAX_QUESTION_CHARS} characters"
    return None


def _self_supervised_pairs(units) -> list[tuple[str, tuple[str, str]]]:
    pairs = []
    for unit in units:
        if unit.language != "en":
            continue
        is_recital = "/rec" in unit.provision
        if unit.heading and not is_recital:
            pairs.append((unit.instrument, (unit.heading, f"{unit.short_title}, {unit.citation}: {unit.text}")))
        sentences = _sentences(unit.text)
        if len(sentences) >= 2:
            held_out = random.Random(f"{RECIPE['seed']}:{unit.provision}").choice(sentences)
            heading = f" — {unit.heading}" if unit.heading else ""
            rest = " ".join(unit.text.replace(held_out, " ").split())
            pairs.append((unit.instrument, (held_out, f"{unit.short_title}, {unit.citation}{heading}: {rest}")))
    random.Random(RECIPE["seed"]).shuffle(pairs)
    return pairs


def pair_digest(pair: tuple[str, str]) -> str:
    """What an encoder's ``adaptation.json`` records of one training pair (64 bits: no two of a
    corpus's few thousand pairs share one by chance)."""
    query, passage = pair
    return hashlib.sha256(f"{query}\0{passage}".encode()).hexdigest()[:16]


def encoder_key(pairs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(json.dumps([MODEL_NAME, RECIPE], sort_keys=True).encode())
    for query, passage in pairs:
        digest.update(f"{query}\0{passage}\0".encode())
    return f"{MODEL_NAME}-adapted-{digest.hexdigest()[:16]}"


def adapted_encoder(units, progress: Callable[[int, int], None] | None = None) -> str:
    """The key of the encoder adapted to exactly ``units``, training it first if it is not cached."""
    labelled = instrument_pairs(units)
    pairs = [pair for _, pair in labelled]
    key = encoder_key(pairs)
    folder = encoder_dir(key)
    if not (folder / "adaptation.json").exists():
        _train(labelled, folder, progress)
    return key


@dataclass
class EncoderChoice:
    """Which encoder a build uses, and why (recorded in the build's manifest)."""

    key: str | None  # None: the stock model (a corpus too small to adapt to)
    status: str  # "trained" now, "cached" (trained earlier on exactly these pairs), "reused", "stock"
    pairs: int  # training pairs of the corpus being built
    unseen: int = 0  # of them, pairs the encoder was not trained on
    trained_on: int = 0  # pairs the encoder was trained on
    unseen_by_instrument: dict[str, int] = field(default_factory=dict)
    threshold: float = REUSE_UNSEEN_SHARE

    @property
    def unseen_share(self) -> float:
        return self.unseen / self.pairs if self.pairs else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "unseen_share": round(self.unseen_share, 4)}

    def describe(self) -> str:
        """One line for the build's summary."""
        if self.status == "reused" and not self.unseen:
            return (f"reused {self.key}, adapted to a corpus that holds all of this one's {self.pairs:,} "
                    "training pairs")
        if self.status == "reused":
            new = ", ".join(f"{i} {n}" for i, n in sorted(self.unseen_by_instrument.items(), key=lambda x: -x[1])[:3])
            return (f"reused {self.key}, adapted to an earlier corpus: {self.unseen:,} of this corpus's "
                    f"{self.pairs:,} training pairs ({self.unseen_share:.1%}) are new to it ({new}); it is "
                    f"adapted anew above {self.threshold:.0%} (kg build --readapt forces it)")
        if self.status == "stock":
            return f"the stock model: {self.pairs} training pairs are too few to adapt it"
        when = "now" if self.status == "trained" else "earlier (cached)"
        return f"{self.key}, adapted {when} to exactly this corpus's {self.pairs:,} training pairs"


def trained_on(folder: Path) -> dict | None:
    """What the encoder in ``folder`` was trained on: {"recipe", "digests" (a set)}, or None when its
    ``adaptation.json`` is missing or does not record it."""
    try:
        adaptation = json.loads((folder / "adaptation.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record = adaptation.get("trained_on")
    if not isinstance(record, dict) or not isinstance(record.get("pair_digests"), list):
        return None
    return {"recipe": adaptation.get("recipe"), "model": adaptation.get("model"),
            "digests": frozenset(record["pair_digests"])}


def cached_encoders() -> dict[str, frozenset[str]]:
    """Pair digests of every cached encoder of this model and recipe."""
    folder = cache_dir() / "encoders"
    found = {}
    for candidate in sorted(folder.iterdir()) if folder.exists() else []:
        record = trained_on(candidate) if candidate.is_dir() and not candidate.name.endswith(".partial") else None
        if record and record["recipe"] == RECIPE and record["model"] == MODEL_NAME:
            found[candidate.name] = record["digests"]
    return found


def reuse_candidate(digests: list[str], trained: dict[str, frozenset[str]], current: str | None = None,
                    threshold: float = REUSE_UNSEEN_SHARE) -> tuple[str, int] | None:
    """The policy: of the encoders ``trained`` (key → digests of their pairs), the one that has not
    seen the smallest share of ``digests`` (the current corpus's pairs), if that share is at most
    ``threshold``; on a tie ``current`` (the current build's encoder), then the one trained on the
    fewest pairs outside ``digests``. Returns (key, unseen pairs), or None: adapt anew."""
    if not digests:
        return None
    wanted = set(digests)
    ranked = sorted((sum(d not in seen for d in digests), key != current, len(seen - wanted), key)
                    for key, seen in trained.items())
    if not ranked or ranked[0][0] > threshold * len(digests):
        return None
    return ranked[0][3], ranked[0][0]


def encoder_for_build(units, progress: Callable[[int, int], None] | None = None, *, readapt: bool = False,
                      current: str | None = None) -> EncoderChoice:
    """The encoder a build of ``units`` uses, by the policy of the module's docstring: the one
    trained on exactly these pairs, else (unless ``readapt``) one trained on most of them, else a
    new one, trained now. ``current`` is the encoder of the build in service."""
    labelled = instrument_pairs(units)
    pairs = [pair for _, pair in labelled]
    key = encoder_key(pairs)
    if (encoder_dir(key) / "adaptation.json").exists():
        return EncoderChoice(key, "cached", len(pairs), trained_on=len(pairs))
    if not readapt:
        trained = cached_encoders()
        digests = [pair_digest(pair) for pair in pairs]
        threshold = reuse_share_setting()
        reuse = reuse_candidate(digests, trained, current, threshold)
        if reuse is not None:
            seen = trained[reuse[0]]
            unseen = Counter(instrument for (instrument, _), digest in zip(labelled, digests) if digest not in seen)
            return EncoderChoice(reuse[0], "reused", len(pairs), reuse[1], len(seen), dict(sorted(unseen.items())),
                                 threshold)
    if len(pairs) < RECIPE["batch"]:
        return EncoderChoice(None, "stock", len(pairs))
    _train(labelled, encoder_dir(key), progress)
    return EncoderChoice(key, "trained", len(pairs), trained_on=len(pairs))


def _train(labelled: list[tuple[str, tuple[str, str]]], folder: Path, progress) -> None:
    pairs = [pair for _, pair in labelled]
    path = stock_model_path()  # first: it switches the hub off before sentence-transformers loads
    model, steps, losses = train_contrastive(pairs, path, RECIPE, mean_pooled_similarity, progress)
    trained = {"pairs": len(pairs), "by_instrument": dict(sorted(Counter(i for i, _ in labelled).items())),
               "pair_digests": sorted(pair_digest(pair) for pair in pairs)}
    save_trained(model, folder, {"model": MODEL_NAME, "recipe": RECIPE, "pairs": len(pairs), "steps": steps,
                                 "first_loss": losses[0], "last_loss": losses[-1], "trained_on": trained})


def train_contrastive(pairs: list[tuple[str, str]], start: str, recipe: dict, similarity: Callable, progress):
    """One pass of in-batch contrastive training (symmetric cross-entropy over ``similarity(model,
    queries, passages, recipe)``, scaled by ``recipe["scale"]``) from the model in ``start``, with the
    word embeddings and the lowest ``recipe["frozen_layers"]`` layers frozen. Returns the model in
    evaluation mode, the steps taken and the loss of each step. Shared by the adaptation and by the
    late-interaction encoder trained from it (kg.search.late_interaction)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" would cut into the build's bar
    torch.manual_seed(recipe["seed"])  # before loading: the seed also fixes dropout during training
    model = SentenceTransformer(start, device="cpu")
    model.max_seq_length = recipe["max_tokens"]
    frozen = ("embeddings.",) + tuple(f"layer.{n}." for n in range(recipe["frozen_layers"]))
    trained = []
    for name, parameter in model.named_parameters():
        parameter.requires_grad = not any(part in name for part in frozen)
        if parameter.requires_grad:
            trained.append(parameter)
    optimiser = torch.optim.AdamW(trained, lr=recipe["learning_rate"])
    batch_size = recipe["batch"]
    batches = [pairs[i : i + batch_size] for i in range(0, len(pairs) - batch_size + 1, batch_size)]
    steps = recipe["epochs"] * len(batches)
    model.train()
    losses = []
    for step in range(steps):
        batch = batches[step % len(batches)]
        scores = similarity(model, [q for q, _ in batch], [p for _, p in batch], recipe) * recipe["scale"]
        target = torch.arange(len(batch))
        loss = (torch.nn.functional.cross_entropy(scores, target)
                + torch.nn.functional.cross_entropy(scores.T, target)) / 2
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        losses.append(round(loss.item(), 4))
        if progress:
            progress(step + 1, steps)
    model.eval()
    return model, steps, losses


def save_trained(model, folder: Path, record: dict) -> None:
    """``model`` saved to ``folder`` with ``adaptation.json`` (``record``), whole or not at all."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save(str(partial))
    (partial / "adaptation.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def mean_pooled_similarity(model, queries: list[str], passages: list[str], recipe: dict):
    """Cosines of the queries' and passages' mean-pooled vectors, each read up to the model's
    ``max_seq_length`` word pieces."""
    return _encode_for_training(model, queries) @ _encode_for_training(model, passages).T


def _encode_for_training(model, texts: list[str]):
    import torch

    return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)
