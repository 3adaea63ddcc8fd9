"""The learned query map: it learns, it stays put when told to, and it is stored whole."""

from __future__ import annotations

import numpy as np
import pytest

from rag_territoires.retrieval.calibration import Calibration, maps_file
from rag_territoires.retrieval.query_map import fit_query_map, map_query

pytestmark = pytest.mark.unit


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def _toy(seed: int = 0, units: np.ndarray | None = None):
    """Eight units; each query sits nearest a decoy unit, its gold unit further away:
    what a paraphrase is to the encoder. Given ``units``, new queries about the same ones."""
    rng = np.random.default_rng(seed)
    units = _unit(rng.normal(size=(8, 16))) if units is None else units
    queries, gold = [], []
    for target in range(4):
        decoy = target + 4
        for _ in range(5):
            noise = rng.normal(scale=0.05, size=16)
            queries.append(_unit(0.8 * units[decoy] + 0.3 * units[target] + noise))
            gold.append(target)
    return np.vstack(queries), gold, units


def _ranks(queries: np.ndarray, gold: list[int], units: np.ndarray, matrix=None) -> list[int]:
    mapped = queries if matrix is None else np.vstack([map_query(matrix, q) for q in queries])
    order = np.argsort(-(mapped @ units.T), axis=1)
    return [int(np.flatnonzero(row == g)[0]) + 1 for row, g in zip(order, gold, strict=True)]


def test_the_map_brings_the_gold_unit_first():
    queries, gold, units = _toy()
    assert all(rank > 1 for rank in _ranks(queries, gold, units))  # the decoy wins at first
    matrix = fit_query_map(queries, [np.array([g]) for g in gold], units, l2=0.001)
    assert _ranks(queries, gold, units, matrix) == [1] * len(gold)


def test_new_wording_of_a_learned_question_is_mapped_too():
    queries, gold, units = _toy(seed=1)
    matrix = fit_query_map(queries, [np.array([g]) for g in gold], units, l2=0.001)
    fresh, fresh_gold, _ = _toy(seed=2, units=units)  # other noise: other writers
    before = _ranks(fresh, fresh_gold, units)
    after = _ranks(fresh, fresh_gold, units, matrix)
    assert before.count(1) == 0
    assert after.count(1) > len(after) / 2


def test_a_strong_pull_leaves_the_query_where_it_was():
    queries, gold, units = _toy()
    matrix = fit_query_map(queries, [np.array([g]) for g in gold], units, l2=1e4)
    assert np.abs(matrix).max() < 1e-3
    for q in queries:
        assert map_query(matrix, q) == pytest.approx(q, abs=1e-3)


def test_a_mapped_query_is_a_unit_vector():
    rng = np.random.default_rng(4)
    matrix = rng.normal(scale=0.1, size=(16, 16)).astype(np.float32)
    mapped = map_query(matrix, _unit(rng.normal(size=16)))
    assert np.linalg.norm(mapped) == pytest.approx(1.0, abs=1e-5)


def test_the_calibration_keeps_its_maps_beside_its_json(tmp_path):
    rng = np.random.default_rng(5)
    matrix = rng.normal(scale=0.05, size=(16, 16)).astype(np.float32)
    path = tmp_path / "calibration.json"
    Calibration({"use": np.zeros(16, dtype=np.float32)}, query_maps={"use": matrix}).save(path)
    loaded = Calibration.load(path)
    assert loaded.query_maps["use"] == pytest.approx(matrix, abs=1e-3)  # half precision
    vector = _unit(rng.normal(size=16)).astype(np.float32)
    assert loaded.map_query("use", vector) == pytest.approx(map_query(matrix, vector), abs=1e-3)
    assert loaded.map_query("minilm", vector) is vector  # no map for that encoder

    Calibration({"use": np.zeros(16, dtype=np.float32)}).save(path)  # now without a map
    assert not maps_file(path).exists()  # a stale map must not come back with it
    assert Calibration.load(path).query_maps == {}
