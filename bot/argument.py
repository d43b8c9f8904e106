"""How much a sentence reads like an article's argument, as careful readers named it.

A linear model over the sentence's embedding: WordLlama's static token embeddings (16 MB of
weights installed with the package; nothing is downloaded, ever), averaged over the sentence
and normalised, then weighed by a direction learned from the readers' judgements in
``tests/data/`` (``bench/argument_model.py`` fits it and writes ``argument-model.json`` beside
this module). The score says which of an article's sentences resemble what readers name as the
argument: claims about the matter at hand, not narration, thanks or asides. It is one signal of
the summary's ranking (:mod:`bot.summary`), for English articles (the readers judged English
texts only). Deterministic: the same sentence always scores the same.

When the embeddings cannot be loaded (the package missing or damaged), :func:`scores` says so
once in the log and returns nothing, and the summary ranks without it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL = Path(__file__).with_name("argument-model.json")
LANGUAGES = frozenset({"en"})  # what the readers judged: the model says nothing of others
Direction = tuple[np.ndarray, float]  # the learned weights and intercept
_lock = threading.Lock()
_UNSET = object()
_direction: Any = _UNSET  # read from MODEL when first needed, or set by use()


@cache
def _embedder() -> Any:
    """WordLlama's embeddings, loaded once, or None if they cannot be."""
    try:
        # The tokenizer's own threads are not wanted: the worker thread is the parallelism,
        # and a process forked after they ran would warn and lose them anyway.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import wordllama  # imported here: only a summary needs it, and it takes a moment

        # The package ships its tokenizer under tokenizers/ and its weights under weights/;
        # pointed at its own folder as the cache, it finds both and downloads nothing.
        folder = Path(wordllama.__file__).parent
        return wordllama.WordLlama.load(cache_dir=folder, disable_download=True)
    except (ImportError, OSError, ValueError) as error:
        log.warning("summaries rank without the argument model: %s", error)
        return None


def direction() -> Direction | None:
    """The learned direction: MODEL's, unless :func:`use` set another (or none)."""
    global _direction
    with _lock:
        if _direction is _UNSET:
            _direction = _read(MODEL)
        return _direction


def use(chosen: Direction | None) -> None:
    """Rank with this direction from now on, in this process (None: with none): for the
    benches, which measure the summaries with and without a model they fit."""
    global _direction
    with _lock:
        _direction = chosen


def _read(path: Path) -> Direction | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return np.array(data["weights"], dtype=np.float64), float(data["intercept"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("summaries rank without the argument model: %s: %s", path.name, error)
        return None


def embed(texts: list[str]) -> np.ndarray | None:
    """Each text's embedding (a row, unit length), or None if the embeddings are unavailable."""
    with _lock:  # one load, whichever thread asks first
        embedder = _embedder()
    if embedder is None:
        return None
    if not texts:
        return np.zeros((0, embedder.embedding.shape[1]))
    # Batches pad to their longest sentence: sentences of like length together pad least
    # (600 of a book's sentences: 71 -> 39 ms, the same vectors).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.asarray(embedder.embed([texts[i] for i in order], norm=True), dtype=np.float64)
    result = np.empty_like(vectors)
    result[order] = vectors
    return result


def scores(texts: list[str], language: str = "en") -> np.ndarray | None:
    """How much each sentence reads like an argument (higher: more), or None where the model
    has nothing to say (another language, no model, or the embeddings unavailable)."""
    if language not in LANGUAGES:
        return None
    learned = direction()
    if learned is None:
        return None
    vectors = embed(texts)
    if vectors is None:
        return None
    weights, intercept = learned
    if vectors.shape[1] != len(weights):
        log.warning("summaries rank without the argument model: %d weights for %d dimensions",
                    len(weights), vectors.shape[1])  # fmt: skip
        return None
    return vectors @ weights + intercept
