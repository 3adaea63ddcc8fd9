"""Feedback becomes evaluation: thumbs-down answers, labelled by a person, join the questions.

``POST /v1/feedback`` appends ratings to ``<data_dir>/feedback.jsonl`` (rotated to
``feedback.jsonl.1``... past its cap: all are read).
``rag-territoires feedback list`` shows the thumbs-down ones with what was
answered; ``rag-territoires feedback label ID --gold TEXT...`` (or
``--unanswerable``) writes the question as an evaluation item, gold nodes found
by their text in the outline, into ``eval/from-feedback.jsonl`` — one of the
tuning files, so the next ``rag-territoires calibrate`` learns from it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag_territoires.answer.language import question_language
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.model import Node
from rag_territoires.errors import RagError
from rag_territoires.feedback_store import feedback_files

LABELLED_FILE = Path("eval/from-feedback.jsonl")
SNIPPET_CHARS = 60


@dataclass(frozen=True)
class Rated:
    id: str
    at: str
    question: str
    answer: str
    citations: list[dict]
    rating: str | None  # None: a comment given without a thumb
    comment: str | None

    @property
    def to_review(self) -> bool:
        """A thumbs-down, or a comment given without a thumb (often a complaint)."""
        return self.rating == "down" or (self.rating is None and bool(self.comment))


@dataclass(frozen=True)
class Unreadable:
    """A line of a feedback file that is not a record: torn by a full disk or a crash (as
    older versions could leave), not UTF-8, or not a feedback record."""

    file: Path
    number: int
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.number}: {self.why}"


@dataclass(frozen=True)
class Feedback:
    rated: list[Rated]  # oldest first, rotated files included
    skipped: list[Unreadable]


def _rated(item: dict) -> Rated:
    return Rated(
        item["id"],
        item["at"],
        item["question"],
        item["answer"],
        item.get("citations", []),
        item.get("rating"),
        item.get("comment"),
    )


def read_feedback(data_dir: Path) -> Feedback:
    """Every record of the feedback files; a line that is not one is skipped and listed
    (one bad line must not hide the others, nor stop `feedback list`)."""
    rated, skipped = [], []
    for path in feedback_files(data_dir):
        for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                rated.append(_rated(json.loads(raw.decode("utf-8"))))
            except UnicodeDecodeError:
                skipped.append(Unreadable(path, number, "not UTF-8 (a torn line?)"))
            except (ValueError, KeyError, TypeError) as exc:
                skipped.append(Unreadable(path, number, f"not a feedback record ({exc})"))
    return Feedback(rated, skipped)


def describe(rated: Rated, labelled: set[str]) -> str:
    """One thumbs-down, as the list shows it."""
    mark = " (labelled)" if rated.id in labelled else ""
    lines = [f"{rated.id}  {rated.at}{mark}", f"  question: {rated.question}"]
    if rated.comment:
        lines.append(f"  comment:  {rated.comment}")
    if rated.citations:
        lines.append("  answered with:")
        for c in rated.citations[:5]:
            source = c.get("source", {})
            where = f"lines {source.get('line_start')}-{source.get('line_end')}"
            lines.append(f"    [{c.get('n')}] {' > '.join(c.get('branch', []))} ({where})")
    else:
        lines.append(f"  answered: {rated.answer.splitlines()[0] if rated.answer else ''}")
    return "\n".join(lines)


def labelled_ids(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    return {
        json.loads(line).get("feedback_id", "")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }


def find_node(corpus: Corpus, text: str) -> Node:
    """The node whose text contains ``text`` (or is it), else a clear error."""
    nodes = list(corpus.nodes())
    exact = [n for n in nodes if n.text == text or n.id == text]
    found = exact or [n for n in nodes if text.lower() in n.text.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise RagError(f"no node of the corpus contains {text!r}")
    names = "; ".join(repr(n.text[:SNIPPET_CHARS]) for n in found[:5])
    raise RagError(f"{len(found)} nodes contain {text!r} ({names}): give more of the text")


def to_item(rated: Rated, gold: Sequence[Node], kind: str | None = None) -> dict:
    """The evaluation item (eval/questions.jsonl's format) for a labelled thumbs-down;
    without a kind: "crosslingual" for English, else "paraphrase" (staff's own words)."""
    language = question_language(rated.question)
    if not gold:
        kind = "unanswerable"
    elif kind is None:
        kind = "crosslingual" if language == "en" else "paraphrase"
    return {
        "id": f"f-{rated.id}",
        "lang": language,
        "kind": kind,
        "question": rated.question,
        "history": [],
        "gold": [{"node": n.id, "snippet": n.text[:SNIPPET_CHARS]} for n in gold],
        "feedback_id": rated.id,
    }


def label(
    rated: Sequence[Rated],
    feedback_id: str,
    gold_texts: Sequence[str],
    corpus: Corpus,
    kind: str | None = None,
    target: Path = LABELLED_FILE,
) -> dict:
    match = [r for r in rated if r.id == feedback_id]
    if not match:
        raise RagError(f"no feedback with id {feedback_id!r} (see `rag-territoires feedback list`)")
    if feedback_id in labelled_ids(target):
        raise RagError(f"feedback {feedback_id} is already in {target}")
    item = to_item(match[0], [find_node(corpus, text) for text in gold_texts], kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return item
