"""Does what retrieval learned hold on a map it never saw? Leave one map out.

The seminar's tuning taught the search and its abstention from one map. Here the
questions of many maps (``eval/maps/tuning``, each map written by someone who saw only a
brief) are grouped by map, the seminar's own question files being one more map. What is
chosen for the maps staff add (``Calibration.general_bm25_weight`` and
``Calibration.general``, the abstention model that judges wherever the best passage is
not in the seminar) is chosen for each map on the other maps only, then measured on that
map. The per-map figures and their spread say what a map added tomorrow can expect; the
frozen blind maps (``eval/maps/blind``) are measured apart, with what all the tuning maps
chose (``rag-territoires eval --maps``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.embedding.cache import CachedEncoder
from rag_territoires.embedding.e5 import E5Passages
from rag_territoires.embedding.encoders import Encoder, make_encoder
from rag_territoires.evaluation.crossval import FALSE_ABSTENTION_COST, fit_abstention, objective
from rag_territoires.evaluation.measures import Outcome, score_items, summarise
from rag_territoires.evaluation.questions import Question
from rag_territoires.index.builders import build_in_memory
from rag_territoires.index.search_index import SearchIndex
from rag_territoires.retrieval.abstention import AbstentionModel
from rag_territoires.retrieval.calibration import Calibration
from rag_territoires.retrieval.search import Ranking, Searcher

SEMINAR = "seminaire"  # the group of the seminar's question files (several writers, one map)
# The off-topic gate (``Calibration.off_topic``): its signals say how the question sits
# against the whole corpus, never what the question sounds like; its threshold declines
# at most this share of the answerable questions it learns from (each map weighing the
# same), far under the 0.05 the product allows: the near misses still go to ``general``
GATE_USED = ("dense_best", "dense_near", "words_in_notes", "words_surely_in_notes")
GATE_FALSE_ABSTENTION = 0.02
GATE_L2 = 1.0
OFF_TOPIC = "off-topic"  # the writers' tag for a question outside every map's subject
MEASURES = ("mrr@10", "hit@5", "hit@800c", "false_abstention", "abstain_recall")
GENERAL_BM25 = (0.1, 0.2, 0.35, 0.5, 0.75)
TYPE_BOOSTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


@dataclass(frozen=True)
class Lever:
    """One way to learn the general abstention model."""

    name: str
    used: tuple[str, ...]  # its features
    # whose questions it learns from: the maps other than the seminar ("maps"), or all
    # with each map weighing the same ("balanced": the seminar's 845 questions would
    # otherwise outweigh every other map's together), or all as they come ("all")
    train_on: str = "balanced"


def group_of(question: Question, maps: set[str]) -> str:
    return question.source if question.source in maps else SEMINAR


@dataclass
class MapResult:
    group: str
    outcomes: list[Outcome]

    @property
    def summary(self) -> dict[str, float]:
        return summarise(self.outcomes)

    @property
    def cost(self) -> float:
        """Errors as the threshold counts them: a false abstention counts twice."""
        return sum(
            (FALSE_ABSTENTION_COST if o.question.answerable else 1.0)
            for o in self.outcomes
            if o.abstained == o.question.answerable
        )


class Transfer:
    """Every question of every map, ranked and judged map by map."""

    def __init__(
        self,
        corpus: Corpus,
        questions: Sequence[Question],
        config: RetrievalConfig,
        calibration: Calibration,
        maps: set[str],
        encoder: Encoder | None = None,
        follow_as_meant: bool = False,
    ) -> None:
        """``follow_as_meant``: each follow-up read with its conversation, as its writer
        meant it (to calibrate: what is learned does not hang on the dependence decision);
        else as the product reads it."""
        self.dependence = None if follow_as_meant else True
        self.corpus = corpus
        self.questions = list(questions)
        self.config = config
        self.maps = maps
        self.calibration = calibration
        if encoder is None:
            encoder = CachedEncoder(make_encoder(config.encoders[0]))
            encoder.warm_up()
        self.encoder = encoder
        self.index: SearchIndex = build_in_memory(
            corpus.chunks, [encoder], config.node_vectors, config.centring
        )
        self.groups = sorted({group_of(q, maps) for q in self.questions})
        self.e5: E5Passages | None = None  # the added maps' re-ranker, when given (e5choice.py)

    def searcher(self, calibration: Calibration) -> Searcher:
        config = replace(self.config, rerank_added_maps=self.e5 is not None)
        return Searcher(
            self.index,
            [self.encoder],
            config,
            self.corpus,
            calibration,
            dependence=self.dependence,
            e5=self.e5,
        )

    def rank(self, calibration: Calibration, questions: Sequence[Question]) -> dict[str, Ranking]:
        searcher = self.searcher(calibration)
        return {q.id: searcher.rank(q.question, q.history) for q in questions}

    def _in(self, group: str, inside: bool = True) -> list[Question]:
        return [q for q in self.questions if (group_of(q, self.maps) == group) == inside]

    def choose_bm25_weight(self) -> tuple[float, dict[str, float], dict[float, float]]:
        """BM25's weight for the added maps (see ``choose``)."""
        return self.choose("general_bm25_weight", GENERAL_BM25, self.calibration)

    def choose_type_boost(
        self, calibration: Calibration
    ) -> tuple[float, dict[str, float], dict[float, float]]:
        """The boost of passages holding the asked kind of fact (``asked_fact.py``)."""
        return self.choose("general_type_boost", TYPE_BOOSTS, calibration)

    def choose(
        self, name: str, grid: Sequence[float], calibration: Calibration
    ) -> tuple[float, dict[str, float], dict[float, float]]:
        """The value of the calibration's ``name`` for the added maps, chosen for each map
        on the others (their mean objective over answerable questions); then on all of
        them. Returns the final value, each map's held-out choice, and the mean objective
        of each value."""
        answerable = [q for q in self.questions if q.answerable and q.source in self.maps]
        by_value: dict[float, dict[str, float]] = {}
        for value in grid:
            rankings = self.rank(replace(calibration, **{name: value}), answerable)
            per_map: dict[str, list[float]] = {}
            for q in answerable:
                per_map.setdefault(q.source, []).append(objective(rankings[q.id], q))
            by_value[value] = {m: statistics.fmean(v) for m, v in per_map.items()}

        def best(maps: set[str]) -> float:  # ties: the first, the lightest
            return max(grid, key=lambda w: statistics.fmean(by_value[w][m] for m in maps))

        mapped = set(by_value[grid[0]])
        held_out = {m: best(mapped - {m}) for m in sorted(mapped)}
        means = {w: round(statistics.fmean(by_value[w].values()), 6) for w in grid}
        return best(mapped), held_out, means

    def fit(self, lever: Lever, rankings: dict[str, Ranking], train: Sequence[Question]):
        learn = [q for q in train if lever.train_on != "maps" or q.source in self.maps]
        weights = None
        if lever.train_on == "balanced":  # every map weighs the same, whatever its count
            count = Counter(group_of(q, self.maps) for q in learn)
            weights = [len(learn) / len(count) / count[group_of(q, self.maps)] for q in learn]
        return fit_abstention(
            [rankings[q.id] for q in learn], [q.answerable for q in learn], lever.used, weights
        )

    def fit_gate(self, rankings: dict[str, Ranking], train: Sequence[Question]):
        """The off-topic gate learned on ``train``: its answerable questions (each map
        weighing the same) against its off-topic ones; None without off-topic ones."""
        answerable = [q for q in train if q.answerable and not q.history]
        off = [q for q in train if OFF_TOPIC in q.tags]
        if not off or not answerable:
            return None
        count = Counter(group_of(q, self.maps) for q in answerable)
        each = [1.0 / len(count) / count[group_of(q, self.maps)] for q in answerable]
        x = np.vstack([rankings[q.id].features for q in [*answerable, *off]])
        y = np.array([True] * len(answerable) + [False] * len(off))
        weights = np.array(each + [1.0 / len(off)] * len(off)) * len(y) / 2
        gate = AbstentionModel.fit_on(x, y, GATE_L2, GATE_USED, weights)
        on_topic = np.array([gate.probability(rankings[q.id].features) for q in answerable])
        order = np.argsort(on_topic, kind="stable")
        below = np.cumsum(np.asarray(each)[order])  # the share declined under each one
        # the highest threshold declining at most GATE_FALSE_ABSTENTION of them
        last = int(np.searchsorted(below, GATE_FALSE_ABSTENTION, side="right"))
        return gate.with_threshold(float(on_topic[order][min(last, len(order) - 1)]))

    def leave_one_map_out(
        self, lever: Lever, calibration: Calibration, gate: bool = False
    ) -> list[MapResult]:
        """Each map judged by a general model (and, with ``gate``, an off-topic gate)
        learned without its questions."""
        rankings = self.rank(calibration, self.questions)  # features: the same for any model
        results = []
        for group in self.groups:
            train = self._in(group, inside=False)
            general = self.fit(lever, rankings, train)
            off_topic = self.fit_gate(rankings, train) if gate else None
            held = replace(calibration, general=general, off_topic=off_topic)
            results += self.judge(held, self._in(group))
        return results

    def judge(self, calibration: Calibration, questions: Sequence[Question]) -> list[MapResult]:
        """The questions ranked and judged with ``calibration`` as it is, map by map."""
        rankings = self.rank(calibration, questions)
        abstained = {q.id: rankings[q.id].abstains() for q in questions}
        return [
            MapResult(group, score_items(test, rankings, abstained))
            for group in sorted({group_of(q, self.maps) for q in questions})
            if (test := [q for q in questions if group_of(q, self.maps) == group])
        ]


def fit_general(transfer: Transfer, lever: Lever, calibration: Calibration) -> AbstentionModel:
    rankings = transfer.rank(calibration, transfer.questions)
    return transfer.fit(lever, rankings, transfer.questions)


def spread(results: Sequence[MapResult], groups: set[str] | None = None) -> dict[str, tuple]:
    """Each measure's mean and standard deviation over the maps (``groups``: only these)."""
    chosen = [r for r in results if groups is None or r.group in groups]
    values = {m: [r.summary[m] for r in chosen] for m in MEASURES}
    return {
        m: (statistics.fmean(v), statistics.pstdev(v) if len(v) > 1 else 0.0)
        for m, v in values.items()
    }


def by_kind(results: Sequence[MapResult]) -> list[MapResult]:
    """All maps together, then by kind of question (and the answers held in notes)."""
    outcomes = [o for r in results for o in r.outcomes]
    grouped = [MapResult("all", outcomes)]
    for kind in sorted({o.question.kind for o in outcomes}):
        grouped.append(MapResult(f"kind={kind}", [o for o in outcomes if o.question.kind == kind]))
    noted = [o for o in outcomes if "note" in o.question.tags]
    if noted:
        grouped.append(MapResult("answer in a note", noted))
    return grouped


def table(results: Sequence[MapResult]) -> str:
    header = f"{'map':<42}{'n':>5}" + "".join(f"{m[:12]:>13}" for m in MEASURES)
    lines = [header]
    for result in results:
        summary = result.summary
        lines.append(
            f"{result.group[:41]:<42}{int(summary['n']):>5}"
            + "".join(f"{summary[m]:>13.3f}" for m in MEASURES)
        )
    return "\n".join(lines)
