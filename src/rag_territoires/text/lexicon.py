"""The general vocabulary that query expansion maps onto the notes' own words.

Staff ask in their own words and in English; BM25 only knows the notes' words.
The bridge is the multilingual encoder's space: every common French and
English word (frequency lists of the ``wordfreq`` package, no hand-written
synonyms) is embedded once and linked to its nearest words of the notes at
build time (``expansion.py``), so a query costs no extra forward pass.

Embedding ~50k words takes ~15 s on one core. The vectors depend only on the
encoder and this vocabulary, never on the notes, so they are kept in a cache
folder and shared by every build and every process on the machine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag_territoires.embedding.encoders import Encoder
from rag_territoires.text.analyzer import STOP_WORDS, fold_accents

log = logging.getLogger(__name__)

WORDS_PER_LANGUAGE = 30_000
LANGUAGES = ("fr", "en")
MIN_LETTERS = 3
EMBED_BATCH = 512


@lru_cache(maxsize=1)
def general_words() -> tuple[str, ...]:
    """Common French and English words, lower-case with accents, most frequent first;
    one spelling per accent-folded form."""
    import wordfreq

    seen: set[str] = set()
    words: list[str] = []
    for language in LANGUAGES:
        for word in wordfreq.top_n_list(language, WORDS_PER_LANGUAGE):
            folded = fold_accents(word)
            if len(folded) < MIN_LETTERS or not folded.isalpha() or folded in STOP_WORDS:
                continue
            if folded not in seen:
                seen.add(folded)
                words.append(word)
    return tuple(words)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """``general_words()`` accent-folded, for membership tests."""
    return frozenset(fold_accents(word) for word in general_words())


def cache_dir() -> Path:
    base = os.environ.get("RAG_TERRITOIRES_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "rag-territoires" if base else Path.home() / ".cache" / "rag-territoires"


_memory: dict[str, np.ndarray] = {}


def general_vectors(encoder: Encoder) -> np.ndarray:
    """One float16 row per ``general_words()`` word, from the cache or embedded now."""
    words = general_words()
    key = hashlib.sha256("\n".join([encoder.name, *words]).encode()).hexdigest()[:16]
    if key in _memory:
        return _memory[key]
    path = cache_dir() / f"lexicon-{key}.npy"
    vectors = _read(path, len(words))
    if vectors is None:
        log.info("embedding %d common words for query expansion (once per machine)", len(words))
        parts = [
            encoder.encode(list(words[i : i + EMBED_BATCH]))
            for i in range(0, len(words), EMBED_BATCH)
        ]
        vectors = np.vstack(parts).astype(np.float16)
        _write(path, vectors)
    _memory[key] = vectors
    return vectors


def _read(path: Path, rows: int) -> np.ndarray | None:
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return vectors if vectors.ndim == 2 and vectors.shape[0] == rows else None


def _write(path: Path, vectors: np.ndarray) -> None:
    """Atomically, and only as a cache: a read-only home just means embedding again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.npy")
        np.save(partial, vectors, allow_pickle=False)
        os.replace(partial, path)
    except OSError as exc:
        log.warning("cannot cache the expansion vocabulary in %s: %s", path.parent, exc)
