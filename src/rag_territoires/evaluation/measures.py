"""Retrieval measures over the question set.

Standard measures come from ir-measures (hit@k is its ``Success@k``, MRR its
``RR``); written here are only those it lacks: hit@800c (do the ranked texts,
best first and cut at 800 characters, contain a gold node's text? It rewards
passages precise enough to check) and the precision/recall of abstention.
A chunk counts as relevant when it contains a gold node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.errors import require
from rag_territoires.evaluation.questions import Question
from rag_territoires.retrieval.search import RankedHits, Ranking

ir_measures = require("ir_measures")  # the [eval] extra
RR, R, Success, nDCG = ir_measures.RR, ir_measures.R, ir_measures.Success, ir_measures.nDCG

PINPOINT_CHARS = 800
STANDARD = {
    "hit@1": Success @ 1,
    "hit@5": Success @ 5,
    "mrr@10": RR @ 10,
    "ndcg@10": nDCG @ 10,
    "recall@10": R @ 10,
}


@dataclass(frozen=True)
class Outcome:
    """One question's result, kept for the report's list of failures."""

    question: Question
    ranking: Ranking
    abstained: bool
    scores: dict[str, float]  # per-item measures (answerable items only)


def ranked_chunks(ranking: Ranking) -> Sequence[Chunk]:
    """The ranking's chunks, best first, without making a hit of each."""
    hits = ranking.hits
    return hits.chunks if isinstance(hits, RankedHits) else [hit.chunk for hit in hits]


def hit_at_chars(ranking: Ranking, question: Question, budget: int = PINPOINT_CHARS) -> float:
    gold = {g.node for g in question.gold}
    chunks = ranked_chunks(ranking)
    texts, length = [], -1
    for chunk in chunks:  # the ranked texts joined, as far as the budget reads
        if length >= budget:
            break
        texts.append(chunk.text)
        length += len(texts[-1]) + 1
    window = "\n".join(texts)[:budget]
    # a gold node's text in the window, wherever it is cited; looked for in ranked order,
    # so that the search stops at the gold chunk, most often among the first
    gold_texts = (span.text for chunk in chunks for span in chunk.nodes if span.id in gold)
    return float(any(text in window for text in gold_texts))


def reciprocal_rank(ranking: Ranking, question: Question, depth: int = 10) -> float:
    """1/rank of the first passage holding a gold node in the first ``depth`` (else 0):
    ir-measures' RR@10, without its overhead, for the cross-validation's many runs."""
    gold = {g.node for g in question.gold}
    for position, hit in enumerate(ranking.hits[:depth], start=1):
        if gold & {span.id for span in hit.chunk.nodes}:
            return 1.0 / position
    return 0.0


def score_items(
    questions: Sequence[Question], rankings: dict[str, Ranking], abstained: dict[str, bool]
) -> list[Outcome]:
    answerable = [q for q in questions if q.answerable]
    qrels, run = [], []
    for q in answerable:
        gold = {g.node for g in q.gold}
        for position, hit in enumerate(rankings[q.id].hits[:10]):
            run.append(ir_measures.ScoredDoc(q.id, hit.chunk.id, float(10 - position)))
            if gold & {span.id for span in hit.chunk.nodes}:
                qrels.append(ir_measures.Qrel(q.id, hit.chunk.id, 1))
        # relevant chunks outside the top 10 still count for recall
        for chunk in ranked_chunks(rankings[q.id])[10:]:
            if gold & {span.id for span in chunk.nodes}:
                qrels.append(ir_measures.Qrel(q.id, chunk.id, 1))
    per_item: dict[str, dict[str, float]] = {q.id: dict.fromkeys(STANDARD, 0.0) for q in answerable}
    names = {measure: name for name, measure in STANDARD.items()}
    for metric in ir_measures.iter_calc(list(STANDARD.values()), qrels, run):
        per_item[metric.query_id][names[metric.measure]] = float(metric.value)
    outcomes = []
    for q in questions:
        scores = per_item.get(q.id, {})
        if q.answerable:
            scores["hit@800c"] = hit_at_chars(rankings[q.id], q)
        outcomes.append(Outcome(q, rankings[q.id], abstained[q.id], scores))
    return outcomes


def summarise(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Mean of each measure over answerable items, plus abstention precision/recall/accuracy
    and false abstention (the share of answerable items told "not in the notes")."""
    answered = [o for o in outcomes if o.question.answerable]
    summary: dict[str, float] = {"n": float(len(outcomes))}
    for name in [*STANDARD, "hit@800c"]:
        values = [o.scores[name] for o in answered]
        summary[name] = sum(values) / len(values) if values else float("nan")
    abstained = [o for o in outcomes if o.abstained]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    right = [o for o in abstained if not o.question.answerable]
    summary["abstain_precision"] = len(right) / len(abstained) if abstained else float("nan")
    summary["abstain_recall"] = len(right) / len(unanswerable) if unanswerable else float("nan")
    wrongly = [o for o in answered if o.abstained]
    summary["false_abstention"] = len(wrongly) / len(answered) if answered else float("nan")
    correct = sum(o.abstained != o.question.answerable for o in outcomes)
    summary["abstain_accuracy"] = correct / len(outcomes) if outcomes else float("nan")
    return summary


def calibrate_threshold(
    confidences: Sequence[tuple[float, bool]],
    false_abstention_cost: float = 1.0,
    weights: Sequence[float] | None = None,
) -> float:
    """The abstention threshold with the fewest errors.

    ``confidences`` pairs each item's confidence (a probability) with whether it is
    answerable. An answerable item wrongly declined counts ``false_abstention_cost``
    errors. Candidates are midpoints between neighbouring confidences; ties go to the
    lower threshold (abstaining less often).
    """
    values = np.unique([c for c, _ in confidences])  # sorted
    candidates = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2])
    # counted by sorting, not by trying every candidate on every item: calibrate weighs
    # thousands of out-of-fold probabilities, and the quadratic count took minutes
    if weights is None:
        answerable = np.sort([c for c, a in confidences if a])
        unanswerable = np.sort([c for c, a in confidences if not a])
        declined = np.searchsorted(answerable, candidates, side="left")  # c < t
        answered = len(unanswerable) - np.searchsorted(unanswerable, candidates, side="left")
    else:  # each item counts its weight: the same count, summed
        declined = _weight_below(confidences, weights, True, candidates)
        answered = _total(confidences, weights) - _weight_below(
            confidences, weights, False, candidates
        )
    cost = false_abstention_cost * declined + answered
    return float(candidates[int(np.argmin(cost))])  # ties: the first, the lowest


def _weight_below(
    confidences: Sequence[tuple[float, bool]],
    weights: Sequence[float],
    answerable: bool,
    candidates: np.ndarray,
) -> np.ndarray:
    """For each candidate threshold, the weight of the items of that kind under it."""
    chosen = sorted(
        (c, w) for (c, a), w in zip(confidences, weights, strict=True) if a == answerable
    )
    values = np.array([c for c, _ in chosen])
    cumulative = np.concatenate([[0.0], np.cumsum([w for _, w in chosen])])
    return cumulative[np.searchsorted(values, candidates, side="left")]


def _total(confidences: Sequence[tuple[float, bool]], weights: Sequence[float]) -> float:
    """The weight of the unanswerable items."""
    return sum(w for (_, a), w in zip(confidences, weights, strict=True) if not a)
