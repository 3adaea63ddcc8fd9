"""The answerable classifier: it learns a kind of question, it is stored whole, it stays sane."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rag_territoires.logistic import LogisticModel
from rag_territoires.retrieval.answerable import (
    LOGIT_LIMIT,
    answerable_logit,
    fit_answerable,
    log_loss,
)
from rag_territoires.retrieval.calibration import Calibration

pytestmark = pytest.mark.unit


def _questions(seed: int, count: int = 40):
    """Answerable questions lean one way in the space, unanswerable ones another (what
    "who ran the workshop?" and "what is the budget?" share, whatever their words)."""
    rng = np.random.default_rng(seed)
    asks_ideas, asks_facts = np.eye(16)[0], np.eye(16)[1]
    vectors, labels = [], []
    for i in range(count):
        answerable = i % 3 != 0
        direction = asks_ideas if answerable else asks_facts
        vector = 0.6 * direction + rng.normal(scale=0.25, size=16)
        vectors.append(vector / np.linalg.norm(vector))
        labels.append(answerable)
    return np.vstack(vectors).astype(np.float32), np.array(labels)


def test_it_tells_apart_new_questions_of_each_kind():
    vectors, labels = _questions(seed=0)
    classifier = fit_answerable(vectors, labels, l2=1.0)
    fresh, fresh_labels = _questions(seed=1)  # other questions, other "writers"
    logits = np.array([answerable_logit(classifier, v) for v in fresh])
    assert ((logits > 0) == fresh_labels).mean() >= 0.9


def test_its_logit_is_the_logistic_models_with_the_standardisation_folded_in():
    vectors, labels = _questions(seed=2)
    model = LogisticModel.fit(vectors.astype(np.float64), labels, 1.0)
    classifier = fit_answerable(vectors, labels, l2=1.0)
    for vector in vectors[:5]:
        probability = 1 / (1 + math.exp(-answerable_logit(classifier, vector)))
        assert probability == pytest.approx(model.probability(vector), abs=1e-4)


def test_a_strong_pull_leaves_only_the_share_of_answerable_questions():
    vectors, labels = _questions(seed=3)
    classifier = fit_answerable(vectors, labels, l2=1e6)
    prior = math.log(labels.mean() / (1 - labels.mean()))
    assert [answerable_logit(classifier, v) for v in vectors] == pytest.approx(
        [prior] * len(vectors), abs=0.05
    )


def test_a_garbled_vector_cannot_push_its_logit_without_bound():
    classifier = np.append(np.full(16, 100.0), 0.0).astype(np.float32)
    assert answerable_logit(classifier, np.ones(16)) == LOGIT_LIMIT
    assert answerable_logit(classifier, -np.ones(16)) == -LOGIT_LIMIT


def test_log_loss_rewards_the_right_side_and_punishes_the_wrong_one():
    classifier = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)  # logit: 1st coordinate
    vectors = np.array([[3.0, 0, 0], [3.0, 0, 0], [-3.0, 0, 0]])
    right, wrong, right_no = log_loss(classifier, vectors, np.array([True, False, False]))
    assert right == pytest.approx(math.log1p(math.exp(-3)))
    assert wrong == pytest.approx(math.log1p(math.exp(3)))
    assert right_no == pytest.approx(right)


def test_the_calibration_keeps_its_classifier_beside_its_map(tmp_path):
    rng = np.random.default_rng(5)
    matrix = rng.normal(scale=0.05, size=(16, 16)).astype(np.float32)
    classifier = rng.normal(size=17).astype(np.float32)
    path = tmp_path / "calibration.json"
    mean = {"use": np.zeros(16, dtype=np.float32)}
    Calibration(mean, query_maps={"use": matrix}, answerable={"use": classifier}).save(path)
    loaded = Calibration.load(path)
    assert loaded.answerable["use"].tolist() == classifier.tolist()  # stored exactly
    assert loaded.query_maps["use"] == pytest.approx(matrix, abs=1e-3)
    vector = rng.normal(size=16).astype(np.float32)
    assert loaded.answerable_logit("use", vector) == answerable_logit(classifier, vector)
    assert loaded.answerable_logit("minilm", vector) is None  # none for that encoder

    Calibration(mean, answerable={"use": classifier}).save(path)  # a classifier, no map
    loaded = Calibration.load(path)
    assert loaded.query_maps == {} and set(loaded.answerable) == {"use"}
