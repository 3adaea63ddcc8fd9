"""Run the question set through retrieval configurations and measure them.

Each configuration is searched with the same ``Searcher`` the CLI and API use.
Indexes are built in memory (never touching index/) and encoders are loaded
once for all configurations. The abstention threshold of each configuration
is calibrated on the tuning split only, then applied to both splits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rag_territoires.chunking import Chunk, chunk_outline
from rag_territoires.config import RetrievalConfig
from rag_territoires.evaluation.fixed_chunks import fixed_chunks
from rag_territoires.evaluation.metrics import Outcome, calibrate_threshold, score_items, summarise
from rag_territoires.evaluation.questions import Question
from rag_territoires.index.memory import SearchIndex, build_in_memory
from rag_territoires.notes.outline import Outline
from rag_territoires.retrieval.encoders import Encoder, make_encoder
from rag_territoires.retrieval.search import Ranking, Searcher


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
    threshold: float
    tuning: list[Outcome]
    heldout: list[Outcome]
    latencies_ms: list[float]
    chunk_sizes: list[int]  # characters of each chunk's text, for the report


def load_heldout(path: Path) -> set[str]:
    return set(json.loads(path.read_text(encoding="utf-8"))["heldout"])


class Evaluator:
    def __init__(self, outline: Outline, questions: Sequence[Question], heldout: set[str]):
        self.outline = outline
        self.questions = list(questions)
        self.heldout = heldout
        self._encoders: dict[str, Encoder] = {}
        self._indexes: dict[tuple, SearchIndex] = {}

    def encoder(self, spec: str) -> Encoder:
        if spec not in self._encoders:
            self._encoders[spec] = make_encoder(spec)
            self._encoders[spec].warm_up()
        return self._encoders[spec]

    def searcher(self, variant: Variant) -> Searcher:
        config = variant.config
        encoders = [self.encoder(spec) for spec in config.encoders]
        key = (variant.chunking, config.chunk_max_chars, config.encoders, config.node_vectors)
        if key not in self._indexes:
            chunks: list[Chunk]
            if variant.chunking == "fixed":
                chunks = list(fixed_chunks(self.outline, config.chunk_max_chars))
            else:
                chunks = chunk_outline(self.outline, config.chunk_max_chars)
            self._indexes[key] = build_in_memory(chunks, encoders, config.node_vectors)
        return Searcher(self._indexes[key], encoders, config, self.outline.by_id())

    def run(self, variant: Variant) -> VariantResult:
        searcher = self.searcher(variant)
        rankings: dict[str, Ranking] = {}
        latencies = []
        for q in self.questions:
            started = time.perf_counter()
            rankings[q.id] = searcher.rank(q.question, q.history)
            latencies.append((time.perf_counter() - started) * 1000)
        tuning = [q for q in self.questions if q.id not in self.heldout]
        # Items the answer-type test already abstains on do not move the threshold.
        threshold = calibrate_threshold(
            [
                (rankings[q.id].confidence, q.answerable)
                for q in tuning
                if not rankings[q.id].lacks_answer_type
            ]
        )
        heldout = [q for q in self.questions if q.id in self.heldout]
        return VariantResult(
            variant,
            threshold,
            score_items(tuning, rankings, threshold),
            score_items(heldout, rankings, threshold),
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
    columns = ["hit@1", "hit@5", "mrr@10", "hit@800c", "abstain_accuracy"]
    header = f"{'configuration':<34}" + "".join(f"{c[:11]:>12}" for c in columns) + f"{'fr h@5':>8}"
    header += f"{'en h@5':>8}{'fu h@5':>8}{'p50 ms':>8}"
    lines = [f"[{split}]", header]
    for result in results:
        outcomes = getattr(result, split)
        summary = summarise(outcomes)
        by = dict(groups(outcomes))
        lang = {k: summarise(v)["hit@5"] for k, v in by.items()}
        lat = percentile(result.latencies_ms, 0.5)
        lines.append(
            f"{result.variant.name:<34}"
            + "".join(f"{summary[c]:>12.3f}" for c in columns)
            + f"{lang.get('lang=fr', float('nan')):>8.3f}{lang.get('lang=en', float('nan')):>8.3f}"
            + f"{lang.get('kind=followup', float('nan')):>8.3f}{lat:>8.1f}"
        )
    return "\n".join(lines)
