"""Run the question sets through retrieval configurations and measure them.

Each configuration is searched with the same ``Searcher`` the CLI and API use.
Indexes are built in memory (never touching index/) and encoders are loaded
once for all configurations. Two sets, never mixed:

- the tuning questions (evaluation/questions.py's TUNING_FILES),
  which the calibration learned from: their abstention figures are
  out-of-fold (each question judged by a model fitted without its fold);
- the blind batch (eval/blind-3.jsonl), written before any tuning and never
  tuned on: the honest figure.

The default configuration uses the shipped calibration; another configuration
gets an abstention model fitted the same way on its own features.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.embedding.cache import CachedEncoder
from rag_territoires.embedding.encoders import Encoder, make_encoder
from rag_territoires.evaluation.crossval import SEED, fit_abstention, out_of_fold_probabilities
from rag_territoires.evaluation.fixed_chunks import fixed_chunks
from rag_territoires.evaluation.measures import Outcome, score_items, summarise
from rag_territoires.evaluation.questions import Question
from rag_territoires.index.builders import build_in_memory
from rag_territoires.index.search_index import SearchIndex
from rag_territoires.retrieval.calibration import Calibration, shipped_calibration
from rag_territoires.retrieval.search import Ranking, Searcher

SETS = {"dev": "Tuning questions", "blind": "Blind batch"}


@dataclass(frozen=True)
class Variant:
    name: str
    config: RetrievalConfig
    # How the notes are cut. "fixed" (windows of config.chunk_max_chars characters) is the
    # quick-start baseline; it lives here, not in RetrievalConfig, because the product and
    # its stored index only ever cut branches.
    chunking: Literal["branch", "fixed"] = "branch"


@dataclass
class VariantResult:
    variant: Variant
    threshold: float  # the abstention model's, applied to the blind batch
    dev: list[Outcome]
    blind: list[Outcome]
    latencies_ms: list[float]
    chunk_sizes: list[int]  # characters of each chunk's text, for the report


class Evaluator:
    def __init__(
        self,
        corpus: Corpus,
        dev: Sequence[Question],
        blind: Sequence[Question],
        calibration: Calibration | None = None,
    ):
        self.corpus = corpus
        self.dev = list(dev)
        self.blind = list(blind)
        self.calibration = calibration or shipped_calibration()
        self._encoders: dict[str, Encoder] = {}
        self._indexes: dict[tuple, SearchIndex] = {}
        self._corpora = {corpus.max_chars: corpus}

    def encoder(self, spec: str) -> Encoder:
        if spec not in self._encoders:
            encoder = make_encoder(spec)
            encoder.warm_up()
            self._encoders[spec] = CachedEncoder(encoder)
        return self._encoders[spec]

    def index(self, variant: Variant) -> SearchIndex:
        config = variant.config
        encoders = [self.encoder(spec) for spec in config.encoders]
        key = (
            variant.chunking,
            config.chunk_max_chars,
            config.encoders,
            config.node_vectors,
            config.centring,
        )
        if key not in self._indexes:
            chunks: list[Chunk]
            if variant.chunking == "fixed":
                chunks = list(fixed_chunks(self.corpus.documents, config.chunk_max_chars))
            else:
                chunks = self.cut(config.chunk_max_chars).chunks
            self._indexes[key] = build_in_memory(
                chunks, encoders, config.node_vectors, config.centring
            )
        return self._indexes[key]

    def cut(self, max_chars: int) -> Corpus:
        """The corpus cut at this chunk budget: its chunks are the branch index's, so a
        node is found in the chunk the index holds. (A fixed window's id is no node's: an
        ordinal follow-up never picks a node in one.)"""
        if max_chars not in self._corpora:
            self._corpora[max_chars] = Corpus(self.corpus.documents, max_chars)
        return self._corpora[max_chars]

    def searcher(self, variant: Variant, calibration: Calibration | None = None) -> Searcher:
        config = variant.config
        encoders = [self.encoder(spec) for spec in config.encoders]
        return Searcher(
            self.index(variant),
            encoders,
            config,
            self.cut(config.chunk_max_chars),
            calibration or self.calibration,
        )

    def run(self, variant: Variant, default: bool = False) -> VariantResult:
        """``default``: the product's configuration, judged by the shipped calibration."""
        searcher = self.searcher(variant)
        rankings: dict[str, Ranking] = {}
        latencies = []
        for q in [*self.dev, *self.blind]:
            started = time.perf_counter()
            rankings[q.id] = searcher.rank(q.question, q.history)
            latencies.append((time.perf_counter() - started) * 1000)
        dev_rankings = [rankings[q.id] for q in self.dev]
        answerable = [q.answerable for q in self.dev]
        shipped = self.calibration.abstention
        model = shipped if default and shipped else fit_abstention(dev_rankings, answerable)
        # Tuning questions: out-of-fold, with the model's L2 strength and threshold.
        probabilities = out_of_fold_probabilities(
            np.vstack([r.features for r in dev_rankings]), np.asarray(answerable), model.l2, SEED
        )
        abstained = {
            q.id: rankings[q.id].focus is None and p < model.threshold
            for q, p in zip(self.dev, probabilities, strict=True)
        }
        for q in self.blind:
            ranking = rankings[q.id]
            abstained[q.id] = ranking.focus is None and (
                model.probability(ranking.features) < model.threshold
            )
        return VariantResult(
            variant,
            model.threshold,
            score_items(self.dev, rankings, abstained),
            score_items(self.blind, rankings, abstained),
            latencies,
            [len(chunk.text) for chunk in searcher.index.chunks],
        )


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5: the median)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def groups(outcomes: Sequence[Outcome]) -> Iterable[tuple[str, list[Outcome]]]:
    """Overall, then by language and by kind."""
    yield "all", list(outcomes)
    for field in ("lang", "kind"):
        for value in sorted({getattr(o.question, field) for o in outcomes}):
            yield f"{field}={value}", [o for o in outcomes if getattr(o.question, field) == value]


def table(results: Sequence[VariantResult], split: str) -> str:
    """A terminal table of one set ("dev" or "blind"), one row per configuration."""
    columns = ["mrr@10", "hit@5", "hit@800c", "false_abstention", "abstain_recall"]
    header = f"{'configuration':<38}" + "".join(f"{c[:12]:>13}" for c in columns)
    header += f"{'en MRR':>8}{'para MRR':>9}{'p50 ms':>8}"
    lines = [f"[{SETS[split]}]", header]
    for result in results:
        outcomes = getattr(result, split)
        summary = summarise(outcomes)
        by = dict(groups(outcomes))
        mrr = {k: summarise(v)["mrr@10"] for k, v in by.items()}
        lat = percentile(result.latencies_ms, 0.5)
        lines.append(
            f"{result.variant.name:<38}"
            + "".join(f"{summary[c]:>13.3f}" for c in columns)
            + f"{mrr.get('lang=en', float('nan')):>8.3f}"
            + f"{mrr.get('kind=paraphrase', float('nan')):>9.3f}{lat:>8.1f}"
        )
    return "\n".join(lines)
