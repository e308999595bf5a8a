"""A question's vector from the search encoder (all-MiniLM-L6-v2, or its adaptation by
kg.search.adaptation), computed with NumPy.

A question is a few dozen word pieces. Importing torch and transformers to encode it cost a new
app process seconds: its first answer took 16 s when questions were encoded with torch, and takes
4.9 s (median) from the app's start now, direct answers included (bench/app_first_answer_bench.py); NumPy, the tokenizers
library and safetensors load in a fraction of a second, and encode a question in a few
milliseconds. The build embeds thousands of provisions in batches with torch
(kg.search.text_embeddings.MeanPoolingEncoder). tests/test_embeddings.py checks that both give
sentence-transformers' vectors.

The network is BERT as the model's config.json describes it: word, position and token-type
embeddings; encoder layers of multi-head self-attention and a GELU feed-forward block, each with a
residual connection and layer normalisation; then the mean of the token vectors, normalised.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf

from kg.caching import loaded_once
from kg.errors import QuestionEncoderError
from kg.search.models import MAX_TOKENS, model_folder, require_mean_pooling, word_piece_tokenizer

SUPPORTED = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    centred = x - x.mean(-1, keepdims=True)
    return centred / np.sqrt((centred**2).mean(-1, keepdims=True) + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x * 0.5**0.5))  # BERT's exact GELU, as config "gelu" means


class QuestionEncoder:
    def __init__(self, folder: str | Path, max_tokens: int):
        from safetensors.numpy import load_file

        folder = Path(folder)
        require_mean_pooling(folder)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        found = {k: config.get(k, default) for k, default in (("model_type", None), ("hidden_act", None),
                                                              ("position_embedding_type", "absolute"))}
        if found != SUPPORTED:
            raise QuestionEncoderError(f"{folder / 'config.json'}: the model is {found}; questions can be encoded "
                                       f"only by {SUPPORTED}")
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.tokenizer = word_piece_tokenizer(folder, max_tokens)
        weights = load_file(str(folder / "model.safetensors"))
        weights = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}

        def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return np.ascontiguousarray(weights[f"{prefix}.weight"].T), weights[f"{prefix}.bias"]

        def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return weights[f"{prefix}.LayerNorm.weight"], weights[f"{prefix}.LayerNorm.bias"]

        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = norm("embeddings")
        self.layers = []
        for n in range(config["num_hidden_layers"]):
            layer = f"encoder.layer.{n}"
            self.layers.append({
                "query": linear(f"{layer}.attention.self.query"), "key": linear(f"{layer}.attention.self.key"),
                "value": linear(f"{layer}.attention.self.value"),
                "attention_out": linear(f"{layer}.attention.output.dense"),
                "attention_norm": norm(f"{layer}.attention.output"),
                "intermediate": linear(f"{layer}.intermediate.dense"), "out": linear(f"{layer}.output.dense"),
                "out_norm": norm(f"{layer}.output"),
            })

    def encode(self, text: str) -> np.ndarray:
        """The normalised mean of the token vectors of ``text`` (stripped, as sentence-transformers
        does), read up to the encoder's ``max_tokens`` word pieces."""
        vector = self._token_states(self.tokenizer.encode(text.strip()).ids).mean(0)
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)

    def encode_tokens(self, text: str) -> tuple[np.ndarray, list[str]]:
        """The normalised vector of each word piece of ``text`` but [CLS] and [SEP], and the pieces
        (for late interaction, kg.search.late_interaction)."""
        encoding = self.tokenizer.encode(text.strip())
        states = self._token_states(np.array(encoding.ids))[1:-1]
        norms = np.maximum(np.linalg.norm(states, axis=1, keepdims=True), 1e-12)
        return (states / norms).astype(np.float32), encoding.tokens[1:-1]

    def _token_states(self, ids) -> np.ndarray:
        ids = np.asarray(ids)
        x = _layer_norm(self.word[ids] + self.position[: len(ids)] + self.token_type, *self.embedding_norm, self.eps)
        for layer in self.layers:
            x = _layer_norm(x + self._attention(x, layer) @ layer["attention_out"][0] + layer["attention_out"][1],
                            *layer["attention_norm"], self.eps)
            hidden = _gelu(x @ layer["intermediate"][0] + layer["intermediate"][1])
            x = _layer_norm(x + hidden @ layer["out"][0] + layer["out"][1], *layer["out_norm"], self.eps)
        return x

    def _attention(self, x: np.ndarray, layer: dict) -> np.ndarray:
        tokens, width = x.shape
        size = width // self.heads

        def by_head(projection: tuple[np.ndarray, np.ndarray]) -> np.ndarray:  # (heads, tokens, size)
            return (x @ projection[0] + projection[1]).reshape(tokens, self.heads, size).transpose(1, 0, 2)

        query, key, value = by_head(layer["query"]), by_head(layer["key"]), by_head(layer["value"])
        scores = query @ key.transpose(0, 2, 1) / size**0.5
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attended = (scores / scores.sum(-1, keepdims=True)) @ value
        return attended.transpose(1, 0, 2).reshape(tokens, width)


@loaded_once(maxsize=3)  # the stock model, the adapted encoder and its reranking encoder (kg eval search)
def question_model(encoder: str | None = None, max_tokens: int = MAX_TOKENS):
    """The encoder of ``model_folder(encoder)`` (kg.search.models), for one question at a time, read
    up to ``max_tokens`` word pieces, loaded once per process."""
    return QuestionEncoder(model_folder(encoder), max_tokens)


@lru_cache(maxsize=64)
def embed_query(text: str, encoder: str | None = None) -> np.ndarray:
    """One question's vector."""
    vector = question_model(encoder).encode(text)
    vector.flags.writeable = False  # cached: shared by every caller
    return vector
