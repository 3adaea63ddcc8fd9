"""What is learned from the questions' wording, chosen writer by writer.

The learned query map (``retrieval/query_map.py``) and the answerable classifier
(``retrieval/answerable.py``) learn from how questions are worded. Each tuning file has
its own writer: a strength chosen on questions by the writers the model was fitted on
would reward memorising their wording. So each is fitted without one writer's questions
and measured on that writer's, and the strength that does best there is kept; every
question then also has a map and a classifier its own writer did not shape, which is
what the abstention model must learn from (``crossval.py``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from rag_territoires.embedding.encoders import Encoder
from rag_territoires.evaluation.questions import Question
from rag_territoires.index.search_index import SearchIndex, stored_vectors
from rag_territoires.retrieval.answerable import fit_answerable, log_loss
from rag_territoires.retrieval.calibration import Calibration
from rag_territoires.retrieval.query_map import fit_query_map

MAP_L2 = (0.001, 0.003, 0.01)  # the query map's pull towards no change
ANSWERABLE_L2 = (3.0, 10.0, 30.0, 100.0)  # the answerable classifier's


@dataclass(frozen=True)
class LearnedMap:
    calibration: Calibration  # with the map fitted on all the given questions
    # each writer's questions (ids) and the map fitted without them; empty: no map
    held_out: list[tuple[set[str], Calibration]]
    l2: float | None
    # the held-out-writer objective by the map's L2 strength
    objective: dict[float, float]
    answerable_l2: float | None = None
    # held-out-writer mean log loss of the answerable classifier, by its L2 strength
    answerable_loss: dict[float, float] = field(default_factory=dict)


def answerable_by_writer(
    questions: Sequence[Question], vectors: dict[str, np.ndarray], groups: Sequence[set[str]]
) -> tuple[float, dict[float, float], list[np.ndarray]]:
    """The answerable classifier's L2 strength, chosen by its mean log loss on each writer's
    questions when fitted without them; with it, one classifier fitted without each group
    (in ``groups``' order), then the one fitted on all ``questions``."""
    x = np.vstack([vectors[q.id] for q in questions])
    y = np.array([q.answerable for q in questions])
    held = [np.array([q.id in group for q in questions]) for group in groups]
    losses = {}
    for l2 in ANSWERABLE_L2:
        per_question = []
        for out in held:
            if out.any():
                per_question += log_loss(fit_answerable(x[~out], y[~out], l2), x[out], y[out])
        losses[l2] = round(statistics.fmean(per_question), 6)
    l2 = min(ANSWERABLE_L2, key=lambda value: losses[value])  # ties: the first, the weakest
    classifiers = [fit_answerable(x[~out], y[~out], l2) for out in held]
    return l2, losses, [*classifiers, fit_answerable(x, y, l2)]


def learn_map(
    index: SearchIndex,
    encoder: Encoder,
    means: Calibration,
    train: Sequence[Question],
    groups: Sequence[set[str]],
    measure: Callable[[LearnedMap], float],
) -> LearnedMap:
    """The query map's L2 strength by held-out writer (``groups``: each writer's question
    ids; ``measure``: the mean objective of the questions ranked with ``held_out``), the
    map fitted on all of ``train``, and one fitted without each writer. The answerable
    classifier likewise (``answerable_by_writer``)."""
    name = encoder.name
    units = stored_vectors(index.dense[name])
    chunk_nodes = [{span.id for span in chunk.nodes} for chunk in index.chunks]
    # only a question read alone teaches the map: "et le deuxième ?" means nothing alone
    learnable = [q for q in train if q.answerable and not q.history]
    readable = [q for q in train if not q.history]
    vectors = {q.id: means.centre_query(name, encoder.encode([q.question])[0]) for q in readable}
    classifier_l2, losses, classifiers = answerable_by_writer(readable, vectors, groups)
    # each learnable question's gold units, found once for the many fits below
    gold_units = {}
    for q in learnable:
        gold = {g.node for g in q.gold}
        chunks = [c for c, nodes in enumerate(chunk_nodes) if nodes & gold]
        gold_units[q.id] = np.flatnonzero(np.isin(index.unit_owner, chunks))

    def fitted(questions: Sequence[Question], l2: float) -> Calibration:
        positives = [gold_units[q.id] for q in questions]
        queries = np.vstack([vectors[q.id] for q in questions])
        matrix = fit_query_map(queries, positives, units, l2)
        return replace(means, query_maps={name: matrix})

    learnable_ids = {q.id for q in learnable}
    results = {}
    for l2 in MAP_L2:
        whole = replace(fitted(learnable, l2), answerable={name: classifiers[-1]})
        # a writer with nothing to teach the map (off-topic questions only) meets the
        # map fitted on everybody else: the whole one
        held_out = [
            (
                group,
                replace(
                    whole
                    if not group & learnable_ids
                    else fitted([q for q in learnable if q.id not in group], l2),
                    answerable={name: classifier},
                ),
            )
            for group, classifier in zip(groups, classifiers[:-1], strict=True)
        ]
        learned = LearnedMap(whole, held_out, l2, {}, classifier_l2, losses)
        results[l2] = (measure(learned), learned)
    best = max(MAP_L2, key=lambda l2: results[l2][0])  # ties: the first, the weakest pull
    objectives = {l2: round(score, 6) for l2, (score, _) in results.items()}
    return replace(results[best][1], objective=objectives)
