"""Choose retrieval's parameters by k-fold cross-validation, and say how well that generalises.

The tuning questions (never the blind batch) are cut into ``FOLDS`` folds. For
each fold, everything is learned on the other folds only: the mean question
vector of the answerable questions (``calibration.py``), the chunk budget and
the fusion and expansion parameters (the grid point with the best objective,
below; the values config.py ships stay unless a point beats them by more than one
standard error, ``keep_unless_beaten``), and the abstention model (its L2
strength and its threshold chosen by an inner cross-validation, then fitted).
The learned query map (``retrieval/query_map.py``) is fitted on the other folds too,
its L2 strength chosen writer by writer (``writers.py``): fitted without one tuning
file's questions, measured on that file's (each file has its own writer), so that the
choice rewards what carries to somebody else's wording. As the map makes the dense signal stronger,
fusion and expansion are then chosen again, at the chunk budget already chosen, on those
held-out-writer rankings, and the abstention model is fitted on them too, not on
questions the map was fitted on. The held-out fold is then measured. The mean and
spread over the folds estimate what the whole procedure gives on questions it has not seen; the same
procedure run on all the tuning questions gives the shipped calibration.

The objective is the mean of MRR@10 and hit@800c over the answerable training
questions. MRR alone would pick the largest chunks (one chunk per section has
the best MRR and cites 800 characters that rarely hold the answer); hit@800c
alone would pick the smallest. Both are targets of the product, so each weighs
half. This criterion was fixed before the chunk budget joined the grid.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

import numpy as np

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.embedding.cache import CachedEncoder
from rag_territoires.embedding.encoders import Encoder, make_encoder
from rag_territoires.evaluation.measures import (
    calibrate_threshold,
    hit_at_chars,
    reciprocal_rank,
    score_items,
    summarise,
)
from rag_territoires.evaluation.questions import Question
from rag_territoires.evaluation.writers import LearnedMap, learn_map
from rag_territoires.index.builders import build_in_memory
from rag_territoires.index.search_index import SearchIndex
from rag_territoires.retrieval.abstention import FEATURES, AbstentionModel
from rag_territoires.retrieval.calibration import Calibration
from rag_territoires.retrieval.search import Ranking, Searcher

FOLDS = 5
SEED = 20261126
GRID = {
    "chunk_max_chars": (150, 250, 400, 600, 900),
    "bm25_weight": (0.1, 0.2, 0.35, 0.5, 0.75, 1.0),
    "expansion_min_cosine": (0.55, 0.6, 0.65, 1.01),  # 1.01: no expansion
    "expansion_weight": (0.3, 0.5, 0.7),
}
L2 = (0.1, 1.0, 10.0)
INNER_REPEATS = 5
READ_MEMOS = 16  # calibrations whose reads are kept (crossval's folds, writers held out)
# Declining a question the notes answer hides the answer; answering one they do not still
# shows cited quotes the reader can check. So a false abstention counts as two errors when
# the threshold is chosen (a product decision, not a tuned parameter).
FALSE_ABSTENTION_COST = 2.0


@dataclass(frozen=True)
class Choice:
    parameters: dict[str, float]
    calibration: Calibration
    learned: LearnedMap  # the query map and answerable classifier, and their strengths


@dataclass(frozen=True)
class FoldResult:
    parameters: dict[str, float]
    l2: float
    threshold: float
    measures: dict[str, float]  # on the held-out fold
    map_l2: float | None = None


@dataclass(frozen=True)
class CrossValidation:
    folds: list[FoldResult]
    final: Choice  # the same procedure on all the tuning questions

    def summary(self) -> dict[str, tuple[float, float]]:
        """Each measure's mean and standard deviation over the folds."""
        names = self.folds[0].measures
        return {
            name: (
                statistics.fmean(f.measures[name] for f in self.folds),
                statistics.pstdev(f.measures[name] for f in self.folds),
            )
            for name in names
        }


def configurations(base: RetrievalConfig) -> list[RetrievalConfig]:
    seen: set[tuple] = set()
    configs = []
    for values in product(*GRID.values()):
        chosen = dict(zip(GRID, values, strict=True))
        if chosen["expansion_min_cosine"] > 1:  # without expansion its weight is moot
            chosen["expansion_weight"] = GRID["expansion_weight"][0]
        key = tuple(chosen.values())
        if key not in seen:
            seen.add(key)
            configs.append(replace(base, **chosen))
    return configs


def folds_of(questions: Sequence[Question]) -> list[list[Question]]:
    ordered = sorted(questions, key=lambda q: q.id)
    random.Random(SEED).shuffle(ordered)
    return [ordered[f::FOLDS] for f in range(FOLDS)]


def writer_groups(questions: Sequence[Question]) -> list[set[str]]:
    """The questions' ids by source file (one writer each); with a single file, by fold."""
    sources = sorted({q.source for q in questions})
    if len(sources) > 1:
        return [{q.id for q in questions if q.source == s} for s in sources]
    return [{q.id for q in fold} for fold in folds_of(questions)]


def query_mean(encoder: Encoder, questions: Sequence[Question]) -> np.ndarray:
    vectors = np.vstack([encoder.encode([q.question]) for q in questions])
    return vectors.mean(axis=0).astype(np.float32)


def fit_abstention(
    rankings: Sequence[Ranking],
    answerable: Sequence[bool],
    used: tuple[str, ...] = FEATURES,
    weights: Sequence[float] | None = None,
) -> AbstentionModel:
    """L2 strength and threshold by an inner cross-validation, then fitted on all given.

    The inner cross-validation is repeated over ``INNER_REPEATS`` shuffles and the threshold
    chosen on all their out-of-fold probabilities together: one shuffle's threshold moved
    with the few questions near it (the folds' thresholds ranged 0.49-0.56). ``weights``:
    each question's weight in the fit and in the count of errors (none: 1 each)."""
    x = np.vstack([r.features for r in rankings])
    y = np.asarray(answerable, dtype=bool)
    v = None if weights is None else np.asarray(weights, dtype=np.float64)
    best: tuple[float, float, float] | None = None
    for l2 in L2:
        probabilities = [
            p
            for repeat in range(INNER_REPEATS)
            for p in out_of_fold_probabilities(x, y, l2, SEED + repeat, used, v)
        ]
        labels = np.tile(y, INNER_REPEATS)
        each = np.ones(len(labels)) if v is None else np.tile(v, INNER_REPEATS)
        pairs = list(zip(probabilities, labels.tolist(), strict=True))
        threshold = calibrate_threshold(
            pairs, FALSE_ABSTENTION_COST, None if v is None else each.tolist()
        )
        declined = np.asarray(probabilities) < threshold
        cost = np.where(labels, FALSE_ABSTENTION_COST, 1.0)
        errors = float(np.sum((declined == labels) * cost * each))
        if best is None or errors < best[0]:
            best = (errors, l2, threshold)
    assert best is not None
    return AbstentionModel.fit_on(x, y, best[1], used, v).with_threshold(best[2])


def out_of_fold_probabilities(
    x: np.ndarray,
    y: np.ndarray,
    l2: float,
    seed: int,
    used: tuple[str, ...] = FEATURES,
    weights: np.ndarray | None = None,
) -> list[float]:
    order = np.random.default_rng(seed).permutation(len(y))
    probabilities = np.zeros(len(y))
    for f in range(FOLDS):
        test = order[f::FOLDS]
        train = np.setdiff1d(order, test)
        v = None if weights is None else weights[train]
        model = AbstentionModel.fit_on(x[train], y[train], l2, used, v)
        probabilities[test] = [model.probability(row) for row in x[test]]
    return probabilities.tolist()


def keep_unless_beaten(
    scores: dict[RetrievalConfig, list[float]], shipped: RetrievalConfig | None
) -> RetrievalConfig:
    """The grid point with the best mean objective, unless the shipped one is within one
    standard error of it (of their per-question differences): the objective is a mean over
    a few hundred questions, and the grid's best points differ by less than its noise
    (measured: 0.0051 ± 0.0092 between the two best expansion settings), so an argmax
    alone would move the shipped parameters with every question added. Ties: the first
    in grid order."""
    best = max(scores, key=lambda c: statistics.fmean(scores[c]))
    if shipped is None or shipped == best:
        return best
    gains = [b - s for b, s in zip(scores[best], scores[shipped], strict=True)]
    noise = statistics.stdev(gains) / len(gains) ** 0.5 if len(gains) > 1 else 0.0
    return best if statistics.fmean(gains) > noise else shipped


def objective(ranking: Ranking, question: Question) -> float:
    """What the grid maximises, per answerable question (see the module's docstring)."""
    return (reciprocal_rank(ranking, question) + hit_at_chars(ranking, question)) / 2


class CrossValidator:
    def __init__(
        self,
        indexes: dict[int, SearchIndex],  # by chunk budget: one per value of the grid
        encoder: Encoder,
        corpora: dict[int, Corpus],  # by chunk budget: the corpus cut as its index is
        questions: Sequence[Question],
        base: RetrievalConfig,
    ) -> None:
        self.indexes = indexes
        self.encoder = encoder
        self.corpora = corpora
        self.questions = list(questions)
        self.configs = configurations(base)
        # the values config.py ships, when they are a point of the grid
        self.shipped = next((c for c in self.configs if c == base), None)
        self._memos: list[tuple[Calibration, dict]] = []

    def _rankings(
        self,
        config: RetrievalConfig,
        calibration: Calibration,
        questions: Sequence[Question],
        judge: bool = True,
    ) -> dict[str, Ranking]:
        """``judge``: False when only the order counts (the grid's objective)."""
        index, corpus = self.indexes[config.chunk_max_chars], self.corpora[config.chunk_max_chars]
        reads = self._reads_for(config, calibration)
        # Each follow-up read with its conversation, as its writer meant it: what is learned
        # here does not hang on the dependence decision (learned after, from this calibration)
        searcher = Searcher(
            index, [self.encoder], config, corpus, calibration, reads, dependence=None
        )
        return {q.id: searcher.rank(q.question, q.history, judge=judge) for q in questions}

    def _reads_for(self, config: RetrievalConfig, calibration: Calibration) -> dict:
        """The questions read under this calibration and all but the fusion weights: one
        read serves every BM25 weight of the grid. Kept for the last ``READ_MEMOS``
        calibrations (the grid's, or one per writer held out)."""
        found = next((m for c, m in self._memos if c is calibration), None)
        if found is None:
            found = {}
            self._memos = [*self._memos[-(READ_MEMOS - 1) :], (calibration, found)]
        key = (
            config.chunk_max_chars,
            config.encoders,
            config.expansion_neighbours,
            config.expansion_min_cosine,
            config.expansion_weight,
            config.centring,
            config.query_map,
        )
        return found.setdefault(key, {})

    def choose(self, train: Sequence[Question]) -> Choice:
        answerable = [q for q in train if q.answerable]
        # what questions about the notes share: off-topic questions would pull the mean
        # away from the notes' subject (measured: the English flagship question fell to 4th)
        means = Calibration({self.encoder.name: query_mean(self.encoder, answerable)})

        scores = {}
        for candidate in self.configs:
            rankings = self._rankings(candidate, means, answerable, judge=False)
            scores[candidate] = [objective(rankings[q.id], q) for q in answerable]
        config = keep_unless_beaten(scores, self.shipped)
        learned = self.learn_map(config, means, train)
        if learned.held_out:
            # the map makes the dense signal stronger: fusion and expansion are chosen
            # again, at the chunk budget chosen above, on held-out-writer rankings
            same_budget = [c for c in self.configs if c.chunk_max_chars == config.chunk_max_chars]
            scores = {}
            for candidate in same_budget:
                rankings = self._held_out_rankings(candidate, learned, answerable, judge=False)
                scores[candidate] = [objective(rankings[q.id], q) for q in answerable]
            config = keep_unless_beaten(scores, self.shipped if self.shipped in scores else None)
            rankings = self._held_out_rankings(config, learned, train)
        else:
            rankings = self._rankings(config, means, train)
        model = fit_abstention([rankings[q.id] for q in train], [q.answerable for q in train])
        parameters = {name: getattr(config, name) for name in GRID}
        calibration = replace(learned.calibration, abstention=model)
        return Choice(parameters, calibration, learned)

    def learn_map(
        self, config: RetrievalConfig, means: Calibration, train: Sequence[Question]
    ) -> LearnedMap:
        """The query map and the answerable classifier, learned writer by writer
        (``writers.learn_map``), every question of ``train`` then ranked by a map its
        writer's questions did not shape (what the abstention model must learn from)."""
        if not config.query_map or not config.centring:
            return LearnedMap(means, [], None, {})
        answerable = [q for q in train if q.answerable]

        def measure(learned: LearnedMap) -> float:
            rankings = self._held_out_rankings(config, learned, answerable, judge=False)
            return statistics.fmean(objective(rankings[q.id], q) for q in answerable)

        index = self.indexes[config.chunk_max_chars]
        return learn_map(index, self.encoder, means, train, writer_groups(train), measure)

    def _held_out_rankings(
        self,
        config: RetrievalConfig,
        learned: LearnedMap,
        questions: Sequence[Question],
        judge: bool = True,
    ) -> dict[str, Ranking]:
        """Each question ranked with the map fitted without its writer's questions."""
        rankings: dict[str, Ranking] = {}
        for group, calibration in learned.held_out:
            chosen = [q for q in questions if q.id in group]
            rankings.update(self._rankings(config, calibration, chosen, judge))
        return rankings

    def run(self) -> CrossValidation:
        folds = folds_of(self.questions)
        results = []
        for f, test in enumerate(folds):
            train = [q for g, fold in enumerate(folds) if g != f for q in fold]
            choice = self.choose(train)
            config = replace(self.configs[0], **choice.parameters)
            rankings = self._rankings(config, choice.calibration, test)
            threshold = choice.calibration.abstention.threshold
            abstained = {q.id: rankings[q.id].abstains(threshold) for q in test}
            summary = summarise(score_items(test, rankings, abstained))
            results.append(
                FoldResult(
                    choice.parameters,
                    choice.calibration.abstention.l2,
                    threshold,
                    {name: summary[name] for name in MEASURES},
                    choice.learned.l2,
                )
            )
        return CrossValidation(results, self.choose(self.questions))


MEASURES = ("mrr@10", "hit@5", "hit@800c", "false_abstention", "abstain_recall")


def calibrate(
    corpus: Corpus, questions: Sequence[Question], base: RetrievalConfig, files: Sequence[Path]
) -> tuple[Calibration, list[str]]:
    """Run the cross-validation, then the procedure on all questions: the calibration to
    ship (with its record) and a few lines for the terminal."""
    encoder = CachedEncoder(make_encoder(base.encoders[0]))
    encoder.warm_up()
    corpora = {budget: Corpus(corpus.documents, budget) for budget in GRID["chunk_max_chars"]}
    indexes = {
        budget: build_in_memory(cut.chunks, [encoder], base.node_vectors, base.centring)
        for budget, cut in corpora.items()
    }
    validation = CrossValidator(indexes, encoder, corpora, questions, base).run()
    final = validation.final
    model = final.calibration.abstention
    assert model is not None
    summary = validation.summary()
    record = {
        "questions": {"files": [str(f) for f in files], "count": len(questions)},
        "folds": FOLDS,
        "seed": SEED,
        "grid": {name: list(values) for name, values in GRID.items()},
        "objective": "mean of MRR@10 and hit@800c over the answerable questions",
        "chosen": {
            **final.parameters,
            "query_map_l2": final.learned.l2,
            "answerable_l2": final.learned.answerable_l2,
            "abstention_l2": model.l2,
            "threshold": model.threshold,
        },
        # the mean objective of each tuning file's questions, ranked by a map fitted
        # without that file's (another writer's wording), by the map's L2 strength
        "query_map_by_held_out_writer": {str(k): v for k, v in final.learned.objective.items()},
        # the answerable classifier's mean log loss on each tuning file's questions, fitted
        # without them, by its L2 strength
        "answerable_by_held_out_writer": {
            str(k): v for k, v in final.learned.answerable_loss.items()
        },
        "cross_validation": {
            "per_fold": [
                {
                    **fold.parameters,
                    "query_map_l2": fold.map_l2,
                    "l2": fold.l2,
                    "threshold": fold.threshold,
                    **fold.measures,
                }
                for fold in validation.folds
            ],
            "mean": {name: mean for name, (mean, _) in summary.items()},
            "std": {name: std for name, (_, std) in summary.items()},
        },
    }
    lines = [f"{FOLDS}-fold cross-validation over {len(questions)} tuning questions:"]
    for f, fold in enumerate(validation.folds, start=1):
        measures = " ".join(f"{k} {v:.3f}" for k, v in fold.measures.items())
        lines.append(
            f"  fold {f}: {fold.parameters} map l2 {fold.map_l2} l2 {fold.l2} -> {measures}"
        )
    lines.append(
        "  mean ± std: " + ", ".join(f"{k} {m:.3f} ± {s:.3f}" for k, (m, s) in summary.items())
    )
    lines.append(f"chosen on all tuning questions: {record['chosen']}")
    differs = {k: v for k, v in final.parameters.items() if getattr(base, k) != v}
    if differs:
        lines.append(f"config.py's RetrievalConfig differs: set {differs} there too")
    return replace(final.calibration, record=record), lines
