"""Passages holding the asked kind of fact come first on the added maps (asked_fact.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rag_territoires.retrieval.asked_fact import AskedFactBoost

pytestmark = pytest.mark.unit

TEXTS = [
    "Centrale villageoise des Coteaux (SAS)",  # names the company, holds no figure
    "créée en 2019, 146 actionnaires",
    "Conseil de gestion présidé par Marc Dupont",
    "Atelier du séminaire : 12 participants en 2023",  # a learned map's: never boosted
]
LEARNED = np.array([False, False, False, True])


def boost(value: float = 0.2) -> AskedFactBoost:
    chunks = [SimpleNamespace(text=t) for t in TEXTS]
    return AskedFactBoost(chunks, value, LEARNED)  # type: ignore[arg-type]


def test_a_question_asking_a_figure_lifts_the_passages_holding_one():
    fused = np.array([0.60, 0.55, 0.50, 0.58])
    every = np.arange(4)
    lifted = boost().apply("Combien d'actionnaires a la centrale ?", every, fused)
    assert lifted.tolist() == [0.60, 0.75, 0.50, 0.58]
    assert int(np.argmax(lifted)) == 1
    assert fused.tolist() == [0.60, 0.55, 0.50, 0.58]  # the caller's scores are left alone


def test_only_the_scored_chunks_are_lifted_and_by_their_position():
    scored = np.array([3, 1])
    lifted = boost().apply("How many shareholders?", scored, np.array([0.5, 0.4]))
    assert lifted.tolist() == [0.5, 0.6000000000000001]


def test_a_question_asking_no_fact_or_no_boost_leaves_the_order():
    fused = np.array([0.60, 0.55, 0.50, 0.58])
    every = np.arange(4)
    assert boost().apply("Comment associer les habitants ?", every, fused) is fused
    assert boost(0.0).apply("Combien d'actionnaires ?", every, fused) is fused


def test_a_person_is_asked_for_with_who():
    fused = np.zeros(4)
    lifted = boost().apply("Qui préside le conseil de gestion ?", np.arange(4), fused)
    assert lifted.tolist() == [0.0, 0.0, 0.2, 0.0]
