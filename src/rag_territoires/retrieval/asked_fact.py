"""Passages that hold the kind of fact a question asks for come first, on the added maps.

"Combien d'actionnaires a la Centrale villageoise ?" matches the node that names the
company at least as well as its child "créée en 2019, 146 actionnaires": the encoder and
BM25 see the same names in both. Only the child holds a figure. So when a question asks a
figure, a sum, a date, a contact or a person (``abstention.expected_answer_type``), every
passage of the added maps that holds one gets ``Calibration.general_type_boost`` added to
its fused score. The boost is chosen by leaving one map out (``Transfer.choose_type_boost``);
the seminar, a map of ideas tuned on its own questions, is left as it was.

It reorders the passages only: the abstention's features are read before it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.retrieval.abstention import expected_answer_type, holds_answer_type


class AskedFactBoost:
    def __init__(self, chunks: Sequence[Chunk], boost: float, learned: np.ndarray) -> None:
        """``learned``: True for the chunks of the maps the seminar's tuning applies to,
        which are never boosted."""
        self.chunks = chunks
        self.boost = boost
        self.learned = learned
        # kind -> 1.0 where a boostable chunk holds that kind of fact; made for a kind the
        # first time a question asks it (one regular expression over every chunk's text)
        self._holds: dict[str, np.ndarray] = {}

    def apply(self, question: str, positions: np.ndarray, fused: np.ndarray) -> np.ndarray:
        """``fused``: the scores of the chunks at ``positions``; a new array if boosted."""
        if not self.boost:
            return fused
        kind = expected_answer_type(question)
        if kind is None:
            return fused
        return fused + self.boost * self._holding(kind)[positions]

    def _holding(self, kind: str) -> np.ndarray:
        holds = self._holds.get(kind)
        if holds is None:
            holds = np.array([holds_answer_type(kind, c.text) for c in self.chunks], np.float64)
            holds[self.learned] = 0.0
            self._holds[kind] = holds
        return holds
