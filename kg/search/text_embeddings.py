"""Texts embedded in batches with torch (:class:`MeanPoolingEncoder`) by all-MiniLM-L6-v2 or its
adaptation to the corpus (kg.search.models), with an on-disk cache keyed by model and text hash so
a rebuild embeds only what changed. A question is embedded in NumPy instead
(kg.search.question_embedding), so answering one never imports torch."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from kg.caching import loaded_once
from kg.config import cache_dir
from kg.search.models import (MAX_TOKENS, MODEL_NAME, VECTOR_WIDTH, encoder_fingerprint, model_folder,
                              require_mean_pooling)

BATCH = 32


class MeanPoolingEncoder:
    """A model saved in sentence-transformers' layout whose sentence vector is the mean of its token
    vectors, normalised (all-MiniLM-L6-v2, and the encoder adapted from it by kg.search.adaptation), run in
    batches with transformers and torch. Run directly rather than through sentence-transformers so
    that texts are tokenised once, batched by their count of word pieces and encoded one batch per
    core (:func:`embed_texts`); the vectors are sentence-transformers' (tests/test_embeddings.py)."""

    def __init__(self, folder: str):
        require_mean_pooling(folder)
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" would cut into the build's bar
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.network = AutoModel.from_pretrained(folder).eval()

    def tokenize(self, texts: list[str], max_tokens: int) -> list[list[int]]:
        # stripped, as sentence-transformers does before tokenising
        return self.tokenizer([t.strip() for t in texts], truncation=True, max_length=max_tokens)["input_ids"]

    def encode_tokenized(self, token_ids: list[list[int]]) -> np.ndarray:
        import torch

        batch = self.tokenizer.pad({"input_ids": token_ids}, return_tensors="pt")
        with torch.inference_mode():
            states = self.network(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            vectors = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(vectors, dim=-1).numpy().astype(np.float32)

    def encode(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        return self.encode_tokenized(self.tokenize(texts, max_tokens))

    def encode_tokens_tokenized(self, token_ids: list[list[int]]) -> list[np.ndarray]:
        """Per text, the normalised vector of each word piece but [CLS] and [SEP], in float16 (for
        late interaction, kg.search.late_interaction: 2 bytes a number is plenty to rank 30 units)."""
        import torch

        batch = self.tokenizer.pad({"input_ids": token_ids}, return_tensors="pt")
        with torch.inference_mode():
            states = torch.nn.functional.normalize(self.network(**batch).last_hidden_state, dim=-1).numpy()
        return [states[n, 1 : len(ids) - 1].astype(np.float16) for n, ids in enumerate(token_ids)]


@loaded_once(maxsize=2)
def model(encoder: str | None = None) -> MeanPoolingEncoder:
    """The encoder of :func:`model_folder`, for batches of texts, loaded once per process."""
    return MeanPoolingEncoder(model_folder(encoder))


def text_key(text: str, weights: str, max_tokens: int = MAX_TOKENS) -> str:
    """The cache key of ``text`` read by the encoder whose :func:`encoder_fingerprint` is ``weights``."""
    return hashlib.sha256(f"{weights}\0{max_tokens}\0{text}".encode()).hexdigest()[:32]


def embeddings_dir() -> Path:
    return cache_dir() / "embeddings" / MODEL_NAME


_tallies: list[dict] = []


@contextmanager
def counting():
    """Inside the block, count per cache file the distinct texts :func:`embed_texts` embedded and
    those it read from the cache: ``{"vectors": {"embedded": 12, "cached": 3900}, …}``."""
    counts: dict[str, dict[str, int]] = {}
    _tallies.append(counts)
    try:
        yield counts
    finally:
        _tallies.remove(counts)


def embed_texts(texts: list[str], progress=None, cache: str = "vectors", encoder: str | None = None,
                max_tokens: int = MAX_TOKENS) -> np.ndarray:
    """Normalised embeddings of ``texts``; cached ones are read back, the rest computed in batches.

    ``cache`` names the cache file: each caller that embeds its own set of texts (search units,
    theme prototypes and points) keeps its own file, because a file keeps only the texts of its
    latest call. ``encoder`` chooses the model, as in :func:`model`; each text is read up to its
    first ``max_tokens`` word pieces."""
    vectors = _encoded(texts, progress, cache, encoder, max_tokens, MeanPoolingEncoder.encode_tokenized)
    return np.stack(vectors) if vectors else np.zeros((0, VECTOR_WIDTH), dtype=np.float32)


def embed_text_tokens(texts: list[str], progress=None, cache: str = "tokens", encoder: str | None = None,
                      max_tokens: int = MAX_TOKENS) -> list[np.ndarray]:
    """Per text, its word pieces' vectors (:meth:`MeanPoolingEncoder.encode_tokens_tokenized`),
    cached as :func:`embed_texts` caches sentence vectors."""
    return _encoded(texts, progress, cache, encoder, max_tokens, MeanPoolingEncoder.encode_tokens_tokenized)


def _encoded(texts: list[str], progress, cache: str, encoder: str | None, max_tokens: int,
             encode_batch) -> list[np.ndarray]:
    """``encode_batch(model, token_ids)`` of each text, read from the cache file ``cache`` or
    computed and added to it."""
    folder = embeddings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    weights = encoder_fingerprint(encoder)
    keys = [text_key(t, weights, max_tokens) for t in texts]
    store_path = folder / f"{cache}.npz"
    cached: dict[str, np.ndarray] = {}
    if store_path.exists():
        with np.load(store_path) as data:
            cached = {k: data[k] for k in data.files}
    missing = list({k: i for i, k in enumerate(keys) if k not in cached}.values())  # each text once
    for counts in _tallies:
        entry = counts.setdefault(cache, {"embedded": 0, "cached": 0})
        entry["embedded"] += len(missing)
        entry["cached"] += len(set(keys)) - len(missing)
    if missing:
        encoding_model = model(encoder)
        token_ids = encoding_model.tokenize([texts[i] for i in missing], max_tokens)
        # batches of similar token counts pad little: sorting by characters instead padded 16% more
        order = sorted(range(len(missing)), key=lambda n: len(token_ids[n]))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        encoded = _in_parallel(lambda batch: encode_batch(encoding_model, [token_ids[n] for n in batch]),
                               batches, progress)
        for batch, vectors in zip(batches, encoded):
            for n, vector in zip(batch, vectors):
                cached[keys[missing[n]]] = vector
        tmp = folder / f"{cache}.tmp.npz"
        keep = set(keys)
        np.savez(tmp, **{k: v for k, v in cached.items() if k in keep})
        tmp.replace(store_path)
    return [cached[k] for k in keys]


def _in_parallel(encode_batch, batches: list, progress=None) -> list:
    """``encode_batch`` over ``batches``, in order, one batch per core at a time, each on one torch
    thread: 10–16% faster on 2 cores than one batch at a time on two threads (measured over the
    corpus's provisions), as a small model's operations leave a second thread idle for part of each
    batch."""
    import torch

    threads = torch.get_num_threads()
    workers = max(1, min(len(os.sched_getaffinity(0)), len(batches)))
    torch.set_num_threads(1)
    results = []
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="pcg-embed") as pool:
            for vectors in pool.map(encode_batch, batches):
                results.append(vectors)
                if progress:
                    progress(sum(map(len, results)), sum(map(len, batches)))
    finally:
        torch.set_num_threads(threads)
    return results
