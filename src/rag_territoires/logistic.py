"""A small logistic model: a handful of named signals in, a calibrated probability out.

Used wherever the product turns signals into a decision it must be able to explain: when
the search abstains (``retrieval/abstention.py``) and when a sentence of a language model
is grounded in its quotes (``answer/grounding.py``). Fitted by cross-validation in
``evaluation/``, shipped as JSON next to the code that uses it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np


def sigmoid(x):
    if isinstance(x, float):  # one number (a search's probability): np.clip costs ~10 µs
        return 1.0 / (1.0 + np.exp(-min(max(x, -30.0), 30.0)))
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass(frozen=True)
class LogisticModel:
    """Logistic regression over standardised ``FEATURES``; the decision is ``threshold``."""

    FEATURES: ClassVar[tuple[str, ...]] = ()

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    l2: float

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The parameters as arrays, made once: every search asks for a probability."""
        return np.asarray(self.mean), np.asarray(self.scale), np.asarray(self.weights)

    def probability(self, features: np.ndarray) -> float:
        mean, scale, weights = self._arrays
        z = (np.asarray(features) - mean) / scale
        return float(sigmoid(float(z @ weights) + self.bias))

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        positive: np.ndarray,
        l2: float,
        threshold: float = 0.5,
        weights: np.ndarray | None = None,
    ):
        """L2-regularised logistic regression by Newton's method (a few features, a few
        hundred examples: exact and deterministic). ``weights``: each example's (their
        mean should be 1, so that ``l2`` means the same)."""
        mean = x.mean(axis=0)
        scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
        z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
        y = positive.astype(np.float64)
        v = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], l2)
        penalty[-1] = 0.0  # the bias is not shrunk
        for _ in range(50):
            p = sigmoid(z @ w)
            gradient = z.T @ (v * (p - y)) + penalty * w
            curvature = v * p * (1 - p)
            hessian = (z * curvature[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
            step = np.linalg.solve(hessian, gradient)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(tuple(mean), tuple(scale), tuple(w[:-1]), float(w[-1]), threshold, l2)

    def with_threshold(self, threshold: float):
        return type(self)(self.mean, self.scale, self.weights, self.bias, threshold, self.l2)

    def to_dict(self) -> dict:
        return {"features": list(self.FEATURES), **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict):
        if tuple(data["features"]) != cls.FEATURES:
            raise ValueError(f"the {cls.__name__} was fitted on other features")
        return cls.from_parameters(data)

    @classmethod
    def from_parameters(cls, data: dict):
        """The model of a ``to_dict``, its features not checked."""
        return cls(
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
            float(data["l2"]),
        )
