"""Combine the per-chunk scores of several signals (BM25, each encoder) into one ranking."""

from __future__ import annotations

import numpy as np

from rag_territoires.config import RetrievalConfig

BM25 = "bm25"


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 for the best chunk; ties share the better rank."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def _weight(signal: str, config: RetrievalConfig) -> float:
    return config.bm25_weight if signal == BM25 else config.dense_weight


def total_weight(signals: dict[str, np.ndarray], config: RetrievalConfig) -> float:
    """The weights of the fused signals, summed: a fused score divided by it lies on the
    same scale whatever the weights."""
    return sum(_weight(name, config) for name in signals) or 1.0


def fuse(signals: dict[str, np.ndarray], config: RetrievalConfig) -> np.ndarray:
    """One fused score per chunk, higher is better.

    ``rrf``: reciprocal-rank fusion, sum of w / (k + rank); chunks BM25 gives
    no score to get no BM25 share (a zero BM25 score is no evidence).
    ``weighted``: sum of w * score, BM25 divided by its best score so both
    signals lie in [0, 1].
    """
    total = np.zeros(len(next(iter(signals.values()))), dtype=np.float64)
    for name, scores in signals.items():
        weight = _weight(name, config)
        if config.fusion == "rrf":
            share = weight / (config.rrf_k + _ranks(scores))
            if name == BM25:
                share[scores <= 0] = 0.0
        else:
            top = float(scores.max()) if name == BM25 else 1.0
            share = weight * (scores / top if top > 0 else np.zeros_like(scores))
        total += share
    return total
