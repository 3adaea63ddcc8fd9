"""How ``calibrate --maps --e5`` chooses the e5 gate (evaluation/e5choice.py): the best
objective among the gates that keep e5 off most searches, the seminar's and the maps'
alike, for each map on the others. On a fake search: no model, no index."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag_territoires.evaluation import e5choice
from rag_territoires.evaluation.e5choice import E5_SHARE, RememberedQueries, choose_e5_gate
from rag_territoires.retrieval.calibration import Calibration

pytestmark = pytest.mark.unit


class CountedE5(RememberedQueries):
    """Only the count of questions read, which the choice reads."""

    def __init__(self) -> None:
        self.asked = 0


def question(source: str, gap: float, gain: bool = False, answerable: bool = True):
    """A question whose first two added passages lie ``gap`` apart; e5 lifts its
    objective from 0.5 to 1 when ``gain``, else leaves it at 0.5."""
    text = f"{source} {gap} {gain} {answerable}"
    on, off = (1.0, 0.5) if gain else (0.5, 0.5)
    return SimpleNamespace(question=text, history=(), source=source, answerable=answerable,
                           on=on, off=off, gap=gap)  # fmt: skip


class FakeTransfer:
    """Searches that compute e5 where the question's gap is under the gate; the "ranking"
    is whether they did."""

    def __init__(self, questions: list) -> None:
        self.e5 = CountedE5()
        self.questions = questions
        self.maps = {"a", "b"}

    def searcher(self, calibration: Calibration) -> SimpleNamespace:
        gaps = {q.question: q.gap for q in self.questions}

        def rank(text: str, history: tuple) -> bool:
            computed = gaps[text] < calibration.general_e5_gate
            self.e5.asked += computed
            return computed

        return SimpleNamespace(rank=rank)


def test_the_gate_is_the_best_within_the_budget_and_each_map_is_held_out(monkeypatch):
    monkeypatch.setattr(e5choice, "objective", lambda computed, q: q.on if computed else q.off)
    # the seminar's questions: 3 in 10 under any gate from 0.02, 5 in 10 from 0.125
    seminar = [question("seminaire", g) for g in [0.01] * 3 + [0.11] * 2 + [1.0] * 5]
    # each map: 3 or 4 in 10 under 0.1; e5 helps the ones at 0.09 and 0.11 in a (the second
    # only a gate of 0.125 reaches: the seminar's share rules it out), at 0.06 in b
    a = [question("a", 0.04), question("a", 0.06), question("a", 0.09, gain=True)]
    a += [question("a", 0.11, gain=True)] + [question("a", 0.5)] * 5
    a += [question("a", 0.01, answerable=False)]
    b = [question("b", 0.04), question("b", 0.06, gain=True), question("b", 0.09)]
    b += [question("b", 0.5)] * 7
    transfer = FakeTransfer(seminar + a + b)
    chosen, held, by_gate = choose_e5_gate(transfer, Calibration({}, None, {}))  # type: ignore[arg-type]
    assert by_gate[0.125]["share_seminar"] == 0.5 > E5_SHARE  # out of the budget
    assert by_gate[0.1]["share_maps"] == pytest.approx(0.35)  # a's unanswerable one counts
    assert by_gate[0.125]["objective"] > by_gate[0.1]["objective"]  # but out of the budget
    assert chosen.general_e5_gate == 0.1  # the best within it, the lightest of equals
    assert held == {"a": 0.075, "b": 0.1}  # each chosen on the other map's gain alone
