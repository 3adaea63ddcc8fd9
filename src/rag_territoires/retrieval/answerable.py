"""How much a question reads like those the notes answer: a linear classifier of its vector.

The other abstention signals measure the question against the notes (cosines, shared
vocabulary). None looks at the question itself. Yet the tuning questions show what the
unanswerable ones share, whatever their words: they ask who ran a workshop, what a
budget was, when the next call closes, what the weather will be. An L2-regularised
logistic regression over the centred question vector learns that from the labelled tuning
questions. The encoder is multilingual, so what it learns carries across languages and
wording (measured writer by writer: ``calibrate`` fits it without one tuning file's
questions and scores that file's, see ``evaluation/crossval.py``).

Its logit is one feature of the abstention model (``sounds_answerable`` in
``abstention.py``), never the decision alone. It is stored as one weight per dimension
and a bias (the standardisation folded in), beside the query map in ``calibration.npz``.
"""

from __future__ import annotations

import numpy as np

from rag_territoires.logistic import LogisticModel

# A logit this far from 0 is certain either way; beyond, a garbled question's vector could
# only push the abstention model further than any tuning question did.
LOGIT_LIMIT = 10.0


def fit_answerable(
    vectors: np.ndarray, answerable: np.ndarray, l2: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Weights then bias (``dim + 1`` values) of the classifier on centred question vectors
    (``weights``: each question's, their mean 1)."""
    model = LogisticModel.fit(np.asarray(vectors, dtype=np.float64), answerable, l2, 0.5, weights)
    weights = np.asarray(model.weights) / np.asarray(model.scale)
    bias = model.bias - float(np.asarray(model.mean) @ weights)
    return np.append(weights, bias).astype(np.float32)


def answerable_logit(classifier: np.ndarray, vector: np.ndarray) -> float:
    """The log-odds that the notes answer the question whose centred vector is given."""
    logit = float(np.asarray(vector, dtype=np.float32) @ classifier[:-1] + classifier[-1])
    return min(max(logit, -LOGIT_LIMIT), LOGIT_LIMIT)


def log_loss(classifier: np.ndarray, vectors: np.ndarray, answerable: np.ndarray) -> list[float]:
    """Per question, the negative log-likelihood of its label (how ``calibrate`` chooses
    the L2 strength, writer by writer)."""
    logits = np.clip(np.asarray(vectors) @ classifier[:-1] + classifier[-1], -30, 30)
    # log(1 + e^-z) for the answerable ones, log(1 + e^z) for the others
    signed = np.where(np.asarray(answerable, dtype=bool), logits, -logits)
    return np.logaddexp(0.0, -signed).tolist()
