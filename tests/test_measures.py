"""The measures written here (hit@800c, abstention) on small hand-made rankings."""

import math
from dataclasses import replace

import numpy as np
import pytest

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.chunks import Chunk, NodeSpan
from rag_territoires.evaluation.crossval import keep_unless_beaten
from rag_territoires.evaluation.measures import (
    calibrate_threshold,
    hit_at_chars,
    reciprocal_rank,
    score_items,
    summarise,
)
from rag_territoires.evaluation.questions import Gold, Question
from rag_territoires.retrieval.abstention import FEATURES, AbstentionModel
from rag_territoires.retrieval.search import Hit, Ranking

pytestmark = pytest.mark.unit


def chunk(node_id: str, *texts: str) -> Chunk:
    """A chunk whose first node is ``node_id`` and the others ``node_id-2``, ``-3``..."""
    ids = [node_id] + [f"{node_id}-{i}" for i in range(2, len(texts) + 1)]
    spans = tuple(NodeSpan(i, t, 1, 1, ()) for i, t in zip(ids, texts, strict=True))
    return Chunk(node_id, (texts[0],), spans, "notes.txt")


def ranking(*chunks: Chunk, probability: float = 1.0) -> Ranking:
    hits = [Hit(c, float(len(chunks) - i)) for i, c in enumerate(chunks)]
    return Ranking(hits, np.zeros(len(FEATURES)), probability)


def question(qid: str, *gold: str, kind: str = "lookup") -> Question:
    return Question(qid, "fr", kind, "?", (), tuple(Gold(g, "") for g in gold))


GOLD_TEXT = "Tiers-lieux et coopération territoriale"


def test_hit_at_chars_finds_the_gold_text_in_the_first_passages():
    gold = chunk("gold", GOLD_TEXT)
    assert hit_at_chars(ranking(gold, chunk("other", "x" * 2000)), question("q", "gold")) == 1.0
    # second passage, still inside the budget: 300 + newline + 39 characters
    near = ranking(chunk("other", "x" * 300), gold)
    assert hit_at_chars(near, question("q", "gold")) == 1.0


def test_hit_at_chars_misses_a_gold_text_pushed_past_the_budget():
    q = question("q", "gold")
    gold = chunk("gold", GOLD_TEXT)
    assert hit_at_chars(ranking(chunk("other", "x" * 800), gold), q) == 0.0
    # cut in the middle by the budget: only the whole text counts
    cut = ranking(chunk("other", "x" * (800 - 1 - 10)), gold)
    assert hit_at_chars(cut, q) == 0.0
    exact = ranking(chunk("other", "x" * (800 - 1 - len(GOLD_TEXT))), gold)
    assert hit_at_chars(exact, q) == 1.0
    assert hit_at_chars(ranking(chunk("other", "x" * 100), gold), q, budget=100) == 0.0


def test_hit_at_chars_needs_a_gold_node_not_just_similar_text():
    # only gold nodes' texts are looked for: the same words in another node do not count
    lookalike = chunk("other", GOLD_TEXT)
    assert hit_at_chars(ranking(lookalike), question("q", "gold")) == 0.0
    big = chunk("big", "Section", "x" * 900, GOLD_TEXT)  # gold is the 3rd node, past 800
    assert hit_at_chars(ranking(big), question("q", "big-3")) == 0.0
    assert hit_at_chars(ranking(big), question("q", "big")) == 1.0


def test_score_items_ranks_and_abstains():
    a, b, c = chunk("a", "Alpha"), chunk("b", "Bravo"), chunk("c", "Charlie")
    questions = [
        question("q1", "a"),  # found first
        question("q2", "c"),  # found third
        question("q3", "b", "c"),  # two gold nodes, found second
        question("q4", kind="unanswerable"),  # low probability: abstains, rightly
        question("q5", kind="unanswerable"),  # confident: answers, wrongly
        question("q6", "a"),  # found but judged unanswered: abstains, wrongly
    ]
    rankings = {
        "q1": ranking(a, b, c),
        "q2": ranking(a, b, c),
        "q3": ranking(a, b, c),
        "q4": ranking(a, b, c, probability=0.1),
        "q5": ranking(a, b, c, probability=0.9),
        "q6": ranking(a, b, c, probability=0.2),
    }
    abstained = {q: r.abstains(0.5) for q, r in rankings.items()}
    outcomes = score_items(questions, rankings, abstained)
    by_id = {o.question.id: o for o in outcomes}
    assert by_id["q1"].scores["hit@1"] == 1.0
    assert by_id["q2"].scores["hit@1"] == 0.0
    assert by_id["q2"].scores["hit@5"] == 1.0
    assert by_id["q2"].scores["mrr@10"] == pytest.approx(1 / 3)
    assert by_id["q3"].scores["mrr@10"] == pytest.approx(1 / 2)
    for q in questions[:3]:  # the cross-validation's fast RR@10 agrees with ir-measures
        assert reciprocal_rank(rankings[q.id], q) == pytest.approx(by_id[q.id].scores["mrr@10"])
    assert by_id["q3"].scores["recall@10"] == 1.0
    assert by_id["q4"].scores == {}  # no retrieval measure on unanswerable items
    assert [o.abstained for o in outcomes] == [False, False, False, True, False, True]
    summary = summarise(outcomes)
    assert summary["n"] == 6
    assert summary["hit@1"] == pytest.approx(2 / 4)  # over the 4 answerable items
    assert summary["abstain_precision"] == pytest.approx(1 / 2)  # q4 right, q6 wrong
    assert summary["abstain_recall"] == pytest.approx(1 / 2)  # q4 of q4, q5
    assert summary["abstain_accuracy"] == pytest.approx(4 / 6)  # q1, q2, q3, q4
    assert summary["false_abstention"] == pytest.approx(1 / 4)  # q6 of the 4 answerable


def test_abstention_measures_without_abstentions_or_unanswerable_items():
    q = question("q", "a")
    outcomes = score_items([q], {"q": ranking(chunk("a", "Alpha"))}, {"q": False})
    summary = summarise(outcomes)
    assert math.isnan(summary["abstain_precision"])  # never abstained
    assert math.isnan(summary["abstain_recall"])  # nothing to abstain on
    assert summary["abstain_accuracy"] == 1.0


def test_the_threshold_classifies_the_most_items_right_ties_abstaining_less():
    items = [(0.1, False), (0.2, False), (0.6, True), (0.9, True)]
    threshold = calibrate_threshold(items)
    assert 0.2 < threshold <= 0.6
    assert calibrate_threshold([(0.5, True), (0.5, False)]) < 0.5  # tie: never abstain


def test_the_abstention_model_learns_a_separable_signal_and_round_trips():
    rng = np.random.default_rng(0)
    answerable = rng.random(200) < 0.7
    x = rng.normal(size=(200, len(FEATURES)))
    x[:, 0] += np.where(answerable, 2.0, -2.0)  # the first feature tells them apart
    model = AbstentionModel.fit(x, answerable, l2=1.0, threshold=0.5)
    predicted = np.array([model.probability(row) >= 0.5 for row in x])
    assert (predicted == answerable).mean() > 0.9
    assert model.weights[0] > 0 and abs(model.weights[0]) == max(map(abs, model.weights))
    assert AbstentionModel.from_dict(model.to_dict()) == model


def test_the_shipped_grid_point_stays_unless_beaten_beyond_noise():
    shipped = RetrievalConfig()
    other = replace(shipped, expansion_weight=shipped.expansion_weight + 0.2)  # another point
    noisy = [1.0, 0.0] * 50  # per question: as often better as worse, a little better in all
    scores = {shipped: [0.5] * 100, other: [v + 0.01 for v in noisy]}
    assert keep_unless_beaten(scores, shipped) is shipped
    clearly = {shipped: [0.5] * 100, other: [0.6 + 0.01 * (i % 2) for i in range(100)]}
    assert keep_unless_beaten(clearly, shipped) is other
    assert keep_unless_beaten(scores, None) is other  # the shipped values off the grid
