"""Lever measured: does one passage hold the question's words together? (issue 27)

On the added maps the general abstention model declines almost nothing: an on-topic
unanswerable question ("Combien de repas par jour sert le collège Jean-Rostand ?") names
what the map names, so every signal measured over the whole corpus (the words the notes
know, the best cosine) says "answered". What differs is local: the notes know "repas" and
"collège Jean-Rostand", but no passage holds both. These features read the best passages
only, with the words of the question as the search read them (``Query.expansion``: each
word, its own BM25 term and its neighbours in the encoder's word space):

- ``words_in_best``: the mean, over the question's words, of 1 when the best passage holds
  the word's term, else the cosine of its closest neighbour the passage holds (else 0);
- ``known_in_best``: of the question's words the notes surely use (their corpus-wide
  strength at ``SURE`` or more), the share the best passage holds (exactly or through a
  neighbour at ``SURE`` or more): the words the corpus knows but this passage lacks;
- ``words_in_top3``: ``words_in_best`` for the best of the first three passages;
- ``rare_in_best``: ``words_in_best`` with each word weighted by the IDF of its term over
  the corpus' passages: the rare words (names, precise objects) count most.

All are computed from the product's own rankings (``Transfer.rank``), then judged as the
shipped lever is (the general model learned on the added maps with the off-topic gate),
held out map by map: AUC of each feature (answerable above unanswerable, added maps),
then false abstention and abstention recall with each feature added.

    python eval/levers/coverage.py [--blind]

Results: ``eval/levers/coverage.md``.
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np

import rag_territoires.retrieval.abstention as abstention
from rag_territoires.config import Settings
from rag_territoires.corpus.chunks import Chunk
from rag_territoires.evaluation.crossval import FALSE_ABSTENTION_COST, fit_abstention
from rag_territoires.evaluation.mapcalibration import setup
from rag_territoires.evaluation.questions import TUNING_FILES, Question
from rag_territoires.evaluation.transfer import SEMINAR, Transfer, group_of
from rag_territoires.retrieval.abstention import expected_answer_type, holds_answer_type
from rag_territoires.retrieval.calibration import shipped_calibration
from rag_territoires.retrieval.search import SURE, Ranking, document_of
from rag_territoires.text.analyzer import analyze

EXTRA = (
    "words_in_best",
    "known_in_best",
    "words_in_top3",
    "rare_in_best",
    "best_node_lacks_type",
)


class Terms:
    """Each chunk's BM25 terms (what BM25 sees: its parent's title and its text) and each
    term's IDF over the chunks."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.of = {c.id: set(analyze(c.lexical_text)) for c in chunks}
        df = Counter(t for terms in self.of.values() for t in terms)
        self.idf = {t: math.log(1 + len(chunks) / n) for t, n in df.items()}
        self.max_idf = math.log(1 + len(chunks))


def local_strengths(ranking: Ranking, terms: set[str]) -> list[tuple[float, float, str | None]]:
    """For each word of what was searched: its strength in ``terms`` (1 when held, else its
    closest held neighbour's cosine), its corpus-wide strength, and its own term."""
    read = ranking.reads[-1] if ranking.reads else None
    if read is None:
        return []
    out = []
    for word in read.expansion.words:
        held = 1.0 if word.own in terms else max(
            (c for t, c in word.near if t in terms), default=0.0
        )
        out.append((held, word.strength, word.own))
    return out


def features(ranking: Ranking, terms: Terms, question: str) -> list[float]:
    chunks = ranking.hits.chunks
    if not chunks:
        return [0.0] * len(EXTRA)
    best = local_strengths(ranking, terms.of[chunks[0].id])
    if not best:
        return [0.0] * len(EXTRA)
    words_in_best = statistics.fmean(h for h, _, _ in best)
    known = [h >= SURE for h, s, _ in best if s >= SURE]
    known_in_best = statistics.fmean(known) if known else 1.0
    top3 = max(
        statistics.fmean(h for h, _, _ in local_strengths(ranking, terms.of[c.id]))
        for c in chunks[:3]
    )
    weights = [terms.idf.get(own, terms.max_idf) if own else terms.max_idf for _, _, own in best]
    rare = sum(w * h for w, (h, _, _) in zip(weights, best, strict=True)) / sum(weights)
    return [words_in_best, known_in_best, top3, rare, best_node_lacks_type(ranking, question)]


def best_node_lacks_type(ranking: Ranking, question: str) -> float:
    """1 when the question asks a kind of fact and the node of the best passage that holds
    the most of the question's words (read with its parent's title) lacks that kind."""
    kind = expected_answer_type(question)
    if kind is None:
        return 0.0
    nodes = ranking.hits.chunks[0].nodes

    def held(node) -> float:
        context = f"{node.parents[-1]}\n{node.text}" if node.parents else node.text
        found = local_strengths(ranking, set(analyze(context)))
        return statistics.fmean(h for h, _, _ in found) if found else 0.0

    best = max(nodes, key=held)
    return float(not holds_answer_type(kind, best.text))



def auc(yes: np.ndarray, no: np.ndarray) -> float:
    return float((yes[:, None] > no[None]).mean() + 0.5 * (yes[:, None] == no[None]).mean())


class Measured:
    def __init__(self, data) -> None:
        self.data = data
        self.calibration = shipped_calibration()
        self.transfer = Transfer(
            data.corpus, data.questions, Settings().retrieval(), self.calibration, data.maps
        )
        self.rankings = self.transfer.rank(self.calibration, data.questions)
        terms = Terms(list(self.transfer.index.chunks))
        self.rows = {
            q.id: np.concatenate([r.features, features(r, terms, q.question)])
            for q in data.questions
            for r in [self.rankings[q.id]]
        }
        self.fake = {i: SimpleNamespace(features=x) for i, x in self.rows.items()}
        learned = set(self.calibration.learned_documents)
        self.by_general = {
            q.id: document_of(self.rankings[q.id].hits.chunks[0]) not in learned
            for q in data.questions
        }

    def declined(self, q: Question, model, gate) -> bool:
        ranking, x = self.rankings[q.id], self.rows[q.id]
        if ranking.focus is not None:
            return False
        if not self.by_general[q.id]:  # the seminar's model, as shipped
            return ranking.abstains()
        if gate is not None and gate.probability(x) < gate.threshold:
            return True
        return model.probability(x) < model.threshold


def fitted(measured: Measured, train: list[Question], used):
    maps = measured.data.maps
    learn = [q for q in train if q.source in maps]  # the shipped lever learns on the maps
    model = fit_abstention(
        [measured.fake[q.id] for q in learn], [q.answerable for q in learn], used
    )
    return model, measured.transfer.fit_gate(measured.fake, train)


def figures(answers: list[tuple[bool, bool]]) -> str:
    false = statistics.fmean(d for a, d in answers if a)
    recall = statistics.fmean(d for a, d in answers if not a)
    cost = sum(FALSE_ABSTENTION_COST if a else 1.0 for a, d in answers if a == d)
    return f"false abstention {false:.3f}  abstention recall {recall:.3f}  cost {cost:.0f}"


def held_out(measured: Measured, used) -> list[tuple[bool, bool]]:
    questions, maps = measured.data.questions, measured.data.maps
    answers = []
    for group in sorted({group_of(q, maps) for q in questions} - {SEMINAR}):
        train = [q for q in questions if group_of(q, maps) != group]
        model, gate = fitted(measured, train, used)
        answers += [
            (q.answerable, measured.declined(q, model, gate))
            for q in questions
            if group_of(q, maps) == group
        ]
    return answers


VARIANTS = (
    ("shipped features", ()),
    *((f"+ {name}", (name,)) for name in EXTRA),
    ("+ words_in_best, known_in_best", EXTRA[:2]),
    ("+ all", EXTRA),
    ("+ best_node_lacks_type, known_in_best", ("best_node_lacks_type", "known_in_best")),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blind", action="store_true", help="then measure the blind maps once")
    args = parser.parse_args()
    settings = Settings()
    ev = Path("eval")
    tuning_dir = ev / "maps" / "tuning"
    seminar_files = [ev / f.relative_to("eval") for f in TUNING_FILES]
    base = abstention.FEATURES
    abstention.FEATURES = base + EXTRA  # read at call time by fit_on and _columns
    try:
        data = setup(
            settings.corpus_dir, [tuning_dir], [tuning_dir], seminar_files, settings.chunk_max_chars
        )
        tuning = Measured(data)
        added = [q for q in data.questions if q.source in data.maps]
        for i, name in enumerate(abstention.FEATURES):
            yes = np.array([tuning.rows[q.id][i] for q in added if q.answerable])
            no = np.array([tuning.rows[q.id][i] for q in added if not q.answerable])
            print(f"  AUC (answerable above unanswerable) {name:<24}{auc(yes, no):.3f}")
        print("held out map by map (tuning maps; the shipped lever: learned on the maps, gate):")
        for name, extra in VARIANTS:
            print(f"  {name:<44}{figures(held_out(tuning, (*base, *extra)))}")
        if args.blind:
            blind_dir = ev / "maps" / "blind"
            blind = Measured(
                setup(
                    settings.corpus_dir,
                    [tuning_dir, blind_dir],
                    [blind_dir],
                    [],
                    settings.chunk_max_chars,
                )
            )
            print("blind maps (learned on all the tuning maps):")
            for name, extra in VARIANTS:
                model, gate = fitted(tuning, data.questions, (*base, *extra))
                answers = [
                    (q.answerable, blind.declined(q, model, gate)) for q in blind.data.questions
                ]
                print(f"  {name:<44}{figures(answers)}")
    finally:
        abstention.FEATURES = base
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
