"""The evaluation questions (eval/questions.jsonl) and their check against the corpus."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.errors import RagError
from rag_territoires.text.analyzer import fold_accents

TUNING_FILES = (
    Path("eval/questions.jsonl"),
    Path("eval/tuning-staff.jsonl"),
    Path("eval/tuning-offtopic.jsonl"),  # questions outside the notes' subject entirely
    # the first blind batch: looked at through many sessions of tuning, it could no longer
    # tell how the product does on questions nobody tuned for, so it became tuning data
    Path("eval/tuning-blind-1.jsonl"),
    # 94 more in staff's voice, written from the notes alone (no code, no other question):
    # colloquial paraphrases, English, and unanswerable questions that sound on topic
    Path("eval/tuning-staff-2.jsonl"),
    # 142 more by another writer, the same way: network staff and English-speaking
    # colleagues asking from memory, a third of them unanswerable but on topic
    Path("eval/tuning-staff-3.jsonl"),
    # the second blind batch, retired as the first was: its failures had been read
    Path("eval/tuning-blind-2.jsonl"),
    # 138 more by a fourth writer, two fifths unanswerable but on topic (people, figures,
    # dates, programmes, places the notes never name) or plainly off topic
    Path("eval/tuning-staff-4.jsonl"),
)
BLIND_FILE = Path("eval/blind-3.jsonl")  # report only: never tuned on
KINDS = {"lookup", "paraphrase", "synthesis", "crosslingual", "unanswerable", "followup"}
LANGS = {"fr", "en"}


@dataclass(frozen=True)
class Gold:
    node: str  # node id in the outline
    snippet: str  # exact text from that node, to re-find it if the outline changes


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    kind: str
    question: str
    history: tuple[str, ...]
    gold: tuple[Gold, ...]
    # the file it came from: each file has its own writer, so a learned parameter can be
    # checked on a writer it never saw (the query map, evaluation/crossval.py)
    source: str = ""
    tags: tuple[str, ...] = ()  # the writer's ("note": the answer is only in a note...)

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def load_questions(path: Path) -> list[Question]:
    def gold(entry: dict) -> Gold:
        return Gold(entry["node"], entry["snippet"])

    return read_items(path, path.stem, gold)


def read_items(path: Path, source: str, gold: Callable[[Any], Gold]) -> list[Question]:
    """The questions of a JSON-lines file, each item's gold entries made by ``gold``."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            questions.append(
                Question(
                    id=item["id"],
                    lang=item["lang"],
                    kind=item["kind"],
                    question=item["question"],
                    history=tuple(item.get("history", [])),
                    gold=tuple(dict.fromkeys(gold(g) for g in item.get("gold", []))),
                    source=source,
                    tags=tuple(item.get("tags", [])),
                )
            )
        except (ValueError, KeyError, TypeError, RagError) as exc:
            raise RagError(f"{path}:{number}: not a valid question item ({exc})") from exc
    return questions


def load_sets(tuning: Sequence[Path], blind: Path) -> tuple[list[Question], list[Question]]:
    """The tuning questions (all files, in order) and the blind batch."""
    return [q for path in tuning for q in load_questions(path)], load_questions(blind)


def problems(questions: list[Question], corpus: Corpus) -> list[str]:
    """Everything wrong with the set, one message per item: empty when it is valid."""
    nodes = corpus.by_id()
    found: list[str] = []
    seen: set[str] = set()
    for q in questions:
        where = f"{q.id} ({q.question!r})"
        if q.id in seen:
            found.append(f"{where}: duplicate id")
        seen.add(q.id)
        if q.kind not in KINDS:
            found.append(f"{where}: unknown kind {q.kind!r}")
        if q.lang not in LANGS:
            found.append(f"{where}: unknown lang {q.lang!r}")
        if bool(q.history) != (q.kind == "followup"):
            found.append(f"{where}: history must be given exactly for follow-ups")
        if q.kind == "unanswerable" and q.gold:
            found.append(f"{where}: an unanswerable item has no gold")
        if q.kind not in {"unanswerable", "followup"} and not q.gold:
            found.append(f"{where}: gold is empty (only unanswerable items and follow-ups may be)")
        for gold in q.gold:
            node = nodes.get(gold.node)
            if node is None:
                hint = [n.id for n in nodes.values() if gold.snippet in n.text]
                found.append(
                    f"{where}: gold node {gold.node!r} is not in the corpus"
                    + (f" (its snippet is now in {hint[0]!r})" if hint else "")
                )
            elif gold.snippet not in node.text:
                found.append(f"{where}: snippet {gold.snippet!r} not in node {gold.node!r}")
    return found


# Two wordings this close (difflib's ratio over the accent-folded words, the conversation
# included) ask the same question: a tuning item that close to a blind one would teach
# `calibrate` the blind item's answer. Writers who see the same notes converge: "combien de
# personnes ont participe au seminaire" was written twice, by two of them.
SAME_QUESTION = 0.8


def wording(question: Question) -> str:
    text = fold_accents(" / ".join([*question.history, question.question]).lower())
    return " ".join(re.findall(r"\w+", text))


def same_questions(
    tuning: Sequence[Question], blind: Sequence[Question]
) -> list[tuple[Question, Question]]:
    """The (tuning, blind) pairs worded as the same question (``SAME_QUESTION``)."""
    worded = [(t, wording(t)) for t in tuning]  # once, not once per blind item
    pairs = []
    for b in blind:
        matcher = difflib.SequenceMatcher(None, b=wording(b), autojunk=False)
        for t, text in worded:
            matcher.set_seq1(text)
            # real_quick_ratio and quick_ratio are cheap upper bounds of ratio: the same pairs
            if (
                matcher.real_quick_ratio() >= SAME_QUESTION
                and matcher.quick_ratio() >= SAME_QUESTION
                and matcher.ratio() >= SAME_QUESTION
            ):
                pairs.append((t, b))
    return pairs
