"""Conversations: is each turn read as the person meant it?

``eval/conversations/*.jsonl`` hold conversations written by people who saw only the
maps (the seminar and the tuning maps), one per line. Each turn says whether it depends
on the earlier turns ("et le deuxième ?", "qui l'anime ?") or stands alone (a new
subject, "Quel temps fera-t-il demain à Lyon ?"), and gives the exact text of the node(s)
that answer it as meant (none: the notes do not say). Every turn is searched with the
questions before it as its history, as the chat does.

``calibrate --followup`` learns the dependence model (``retrieval/followup.py``) from
them, its regularisation chosen by leaving one writer out; its
held-out figures are kept in ``followup.json`` and shown in ``eval/report.md``.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag_territoires.config import RetrievalConfig
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.model import document_id
from rag_territoires.embedding.cache import CachedEncoder
from rag_territoires.embedding.encoders import make_encoder
from rag_territoires.errors import RagError
from rag_territoires.evaluation.mapsets import find_gold
from rag_territoires.evaluation.measures import score_items, summarise
from rag_territoires.evaluation.questions import Gold, Question
from rag_territoires.index.builders import build_in_memory
from rag_territoires.retrieval.answerable import fit_answerable
from rag_territoires.retrieval.calibration import Calibration
from rag_territoires.retrieval.followup import Dependence, DependenceModel
from rag_territoires.retrieval.search import Ranking, Searcher

CONVERSATIONS_DIR = Path("eval/conversations")
L2 = (0.1, 1.0, 10.0)
SOUNDS_L2 = (10.0, 100.0, 1000.0)
MEASURES = ("read_right", "mrr@10", "hit@5", "false_abstention", "abstain_recall")


@dataclass(frozen=True)
class Turn:
    question: Question  # its history: the conversation's earlier questions
    conversation: str
    depends: bool  # on the earlier turns, as its writer meant it
    reading: str  # the question as it reads alone

    @property
    def part(self) -> str:
        """Which part of a conversation it is, for the report."""
        if not self.question.history:
            return "first turns"
        if self.depends:
            return "follow-ups"
        return "topic changes" if self.question.answerable else "off topic or not in the notes"


def load_conversations(path: Path, corpus: Corpus) -> list[Turn]:
    turns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            history: list[str] = []
            for position, raw in enumerate(data["turns"]):
                preferred = document_id(Path(raw["map"])) if raw.get("map") else None
                gold = tuple(
                    Gold(find_gold(s, corpus, preferred).id, s) for s in raw.get("gold", [])
                )
                question = Question(
                    id=f"{data['id']}-{position + 1}",
                    lang=data.get("lang", "fr"),
                    kind="followup" if raw["depends"] else "conversation",
                    question=raw["question"],
                    history=tuple(history),
                    gold=gold,
                    source=path.stem,
                )
                turns.append(Turn(question, data["id"], bool(raw["depends"]), raw["reading"]))
                history.append(raw["question"])
        except (KeyError, TypeError, ValueError, RagError) as error:
            raise RagError(f"{path}:{number}: {error}") from error
    return turns


def load_all(folder: Path, corpus: Corpus) -> list[Turn]:
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise RagError(f"no conversation file in {folder}")
    return [turn for path in files for turn in load_conversations(path, corpus)]


def rank_turns(searcher: Searcher, turns: Sequence[Turn]) -> dict[str, Ranking]:
    return {t.question.id: searcher.rank(t.question.question, t.question.history) for t in turns}


def measure(turns: Sequence[Turn], rankings: dict[str, Ranking]) -> dict[str, float]:
    """The retrieval measures over the turns, plus the share of later turns read as their
    writer meant them (depending on the conversation, or alone)."""
    questions = [t.question for t in turns]
    abstained = {q.id: rankings[q.id].abstains() for q in questions}
    summary = summarise(score_items(questions, rankings, abstained))
    later = [t for t in turns if t.question.history]
    read = [rankings[t.question.id].depends == t.depends for t in later]
    summary["read_right"] = statistics.fmean(read) if read else float("nan")
    return summary


def by_part(turns: Sequence[Turn], rankings: dict[str, Ranking]) -> dict[str, dict[str, float]]:
    parts = {"all turns": list(turns)}
    for turn in turns:
        parts.setdefault(turn.part, []).append(turn)
    return {name: measure(chosen, rankings) for name, chosen in parts.items()}


def _examples(turns: Sequence[Turn], rankings: dict[str, Ranking]):
    """The later turns' dependence inputs, labels and writers (a fold is one writer's
    conversations: what is learned must hold for a writer it never read)."""
    later = [t for t in turns if t.question.history]
    x = np.array([rankings[t.question.id].dependence for t in later])
    y = np.array([t.depends for t in later])
    groups = [t.question.source for t in later]
    return x, y, groups


def cross_validate(turns: Sequence[Turn], rankings: dict[str, Ranking]) -> tuple[float, dict]:
    """The regularisation whose held-out decisions are right most often, each writer's
    turns decided by a model learned on the other writers'; and each one's share."""
    x, y, groups = _examples(turns, rankings)
    right: dict[float, float] = {}
    for l2 in L2:
        hits = 0
        for writer in sorted(set(groups)):
            test = np.array([g == writer for g in groups])
            model = DependenceModel.fit(x[~test], y[~test], l2)
            predicted = [model.probability(row) >= model.threshold for row in x[test]]
            hits += int(np.sum(np.array(predicted) == y[test]))
        right[l2] = hits / len(y)
    chosen = max(L2, key=lambda l2: (right[l2], l2))  # ties: the stronger shrinkage
    return chosen, {str(k): round(v, 4) for k, v in right.items()}


def held_out_models(turns: Sequence[Turn], rankings: dict[str, Ranking], l2: float):
    """For each writer, the model learned without that writer's conversations."""
    x, y, groups = _examples(turns, rankings)
    models = {}
    for writer in sorted(set(groups)):
        test = np.array([g == writer for g in groups])
        models[writer] = DependenceModel.fit(x[~test], y[~test], l2)
    return models


def fit(turns: Sequence[Turn], rankings: dict[str, Ranking], l2: float) -> DependenceModel:
    x, y, _ = _examples(turns, rankings)
    return DependenceModel.fit(x, y, l2)


def _rounded(parts: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        part: {
            m: None if np.isnan(summary[m]) else round(summary[m], 4)
            for m in ("n", *MEASURES)
            if m in summary
        }
        for part, summary in parts.items()
    }


def _balanced(labels: np.ndarray) -> np.ndarray:
    """Each class weighing the same, the mean weight 1."""
    share = labels.mean()
    return np.where(labels, 0.5 / share, 0.5 / (1 - share))


def fit_sounds(vectors: np.ndarray, follow: np.ndarray, files: Sequence[str]):
    """The "sounds like a follow-up" classifier of the question files' questions (those
    with a history are follow-ups), its L2 chosen by leaving one file out; the classifier
    fitted without each file, by file (to measure what it was not learned on); and the
    held-out share of each class told right."""
    names = sorted(set(files))
    held: dict[float, dict[str, np.ndarray]] = {}
    right = {}
    for l2 in SOUNDS_L2:
        held[l2] = {}
        told = np.zeros(len(follow), dtype=bool)
        for name in names:
            test = np.array([f == name for f in files])
            train = ~test
            held[l2][name] = fit_answerable(
                vectors[train], follow[train], l2, _balanced(follow[train])
            )
            logits = vectors[test] @ held[l2][name][:-1] + held[l2][name][-1]
            told[test] = (logits > 0) == follow[test]
        right[l2] = (told[follow].mean() + told[~follow].mean()) / 2  # balanced accuracy
    l2 = max(SOUNDS_L2, key=lambda c: (right[c], c))
    final = fit_answerable(vectors, follow, l2, _balanced(follow))
    return (
        final,
        held[l2],
        {
            "l2": l2,
            "held_out_balanced_accuracy_by_l2": {
                str(c): round(float(v), 4) for c, v in right.items()
            },
        },
    )


def calibrate_followup(
    corpus: Corpus,
    turns: Sequence[Turn],
    questions: Sequence[Question],
    config: RetrievalConfig,
    calibration: Calibration,
) -> tuple[Dependence, dict]:
    """The dependence decision learned on the question files (what a follow-up sounds
    like) and on every conversation (when a question depends on its conversation), and
    its record: the turns as read before it (every later turn with its conversation),
    held out (each writer's conversations read by the model learned on the other
    writers'), and the question files' follow-ups read as follow-ups (each file's by a
    classifier learned without it)."""
    encoder = CachedEncoder(make_encoder(config.encoders[0]))
    encoder.warm_up()
    index = build_in_memory(corpus.chunks, [encoder], config.node_vectors, config.centring)
    name = encoder.name
    centred = np.array(
        [calibration.centre_query(name, v) for v in encoder.encode([q.question for q in questions])]
    )
    follow = np.array([bool(q.history) for q in questions])
    sounds, sounds_without, sounds_record = fit_sounds(
        centred, follow, [q.source for q in questions]
    )

    def searcher(model: DependenceModel | None, classifier: np.ndarray = sounds) -> Searcher:
        dependence = Dependence(model, {name: classifier})
        return Searcher(index, [encoder], config, corpus, calibration, dependence=dependence)

    every = rank_turns(searcher(None), turns)  # each later turn read with its conversation
    l2, right = cross_validate(turns, every)
    models = held_out_models(turns, every, l2)
    held: dict[str, Ranking] = {t.question.id: every[t.question.id] for t in turns}
    for writer, model in models.items():
        chosen = [t for t in turns if t.question.history and t.question.source == writer]
        held.update(rank_turns(searcher(model), chosen))
    final = fit(turns, every, l2)
    read_as_followups = [
        searcher(final, sounds_without[q.source]).rank(q.question, q.history).depends
        for q in questions
        if q.history
    ]
    record = {
        "conversations": len({t.conversation for t in turns}),
        "turns": len(turns),
        "sounds_follow_up": sounds_record,
        "l2": l2,
        "held_out_read_right_by_l2": right,
        "before": _rounded(by_part(turns, every)),
        "held_out": _rounded(by_part(turns, held)),
        "question_files_followups": len(read_as_followups),
        "question_files_followups_read_as_such": (
            round(statistics.fmean(read_as_followups), 4) if read_as_followups else None
        ),
    }
    return Dependence(final, {name: sounds}), record


def save(dependence: Dependence, record: dict, path: Path) -> None:
    text = json.dumps(dependence.to_dict(record), indent=1, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
