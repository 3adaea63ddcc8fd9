"""A learned map of the question's vector: what staff's wording means in the notes' terms.

The multilingual encoder places "Les gens sont-ils moins soudés qu'avant ?" far from
"Fragilisation de la cohésion sociale": it was never trained on how this network's
staff talk about these notes. The tuning questions say it, with their gold branches.
``fit_query_map`` learns a linear correction ``A`` of the (centred) question vector,
``v + A v``, that raises the units of the gold branches above the others (a softmax
over every unit of the index, the gold chunks' units sharing the target), with an L2
pull towards no change at all. The notes' vectors are untouched, so a build needs no
re-embedding, and a query pays one 512 × 512 product (~0.1 ms, measured).

What it learns is how questions are asked about these notes, so it carries to other
people's wording about the same notes, not to notes it has never seen (measured,
eval/report.md: leave-one-writer-out and leave-one-branch-out). Labelled feedback
(``rag-territoires feedback``) is how a new map gets its share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag_territoires.errors import require

# How sharply the softmax over units prefers the best one: cosines live in [-1, 1] and
# neighbouring branches differ by a few hundredths.
TEMPERATURE = 0.05
# A fixed iteration count keeps the fit identical from run to run (`calibrate` is checked
# to reproduce the shipped calibration); the loss has stopped moving well before it.
ITERATIONS = 150


def _loss(
    flat: np.ndarray,
    queries: np.ndarray,
    positives: Sequence[np.ndarray],
    units: np.ndarray,
    l2: float,
) -> tuple[float, np.ndarray]:
    """The mean negative log-probability of the gold units, plus ``l2 × |A|²``, and its
    gradient with respect to ``A``."""
    dim = queries.shape[1]
    matrix = flat.reshape(dim, dim)
    mapped = queries + queries @ matrix.T
    logits = mapped @ units.T / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    loss = 0.0
    gradient = probabilities.copy()  # d loss / d logits, built row by row
    for row, gold in enumerate(positives):
        gold_mass = probabilities[row, gold].sum()
        loss -= float(np.log(gold_mass + 1e-12))
        gradient[row, gold] -= probabilities[row, gold] / gold_mass
    gradient /= TEMPERATURE * len(positives)
    d_matrix = (gradient @ units).T @ queries
    return loss / len(positives) + l2 * float(flat @ flat), d_matrix.ravel() + 2 * l2 * flat


def fit_query_map(
    queries: np.ndarray, positives: Sequence[np.ndarray], units: np.ndarray, l2: float
) -> np.ndarray:
    """``A`` (dim × dim, float32 holding half-precision values) for ``v + A v``.
    ``queries``: the training questions' centred vectors; ``positives``: for each, the rows
    of ``units`` (the index's centred unit vectors) that belong to a chunk holding one of
    its gold nodes."""
    # only `calibrate` fits: a start need not load it
    minimize = require("scipy.optimize").minimize

    queries = np.asarray(queries, dtype=np.float64)
    units = np.asarray(units, dtype=np.float64)
    dim = queries.shape[1]
    result = minimize(
        _loss,
        np.zeros(dim * dim),
        args=(queries, [np.asarray(p, dtype=np.int64) for p in positives], units, l2),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": ITERATIONS},
    )
    # rounded as calibration.npz stores it: what is measured is what ships
    return result.x.reshape(dim, dim).astype(np.float16).astype(np.float32)


def map_query(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``v + A v``, renormalised (the index's units are unit vectors: cosines stay cosines)."""
    mapped = vector + matrix @ vector
    return (mapped / max(float(np.linalg.norm(mapped)), 1e-12)).astype(np.float32)
