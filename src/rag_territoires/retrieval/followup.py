"""Follow-up questions: read a short question in the light of the earlier ones.

"et le deuxième ?" after "Quels sont les 3 principes à appliquer ?" says
nothing by itself. Three mechanisms, measured on the follow-up questions of the
evaluation sets and on written conversations (``eval/conversations/``):

- whether a question depends on the conversation at all is decided turn by turn
  by a small learned model (``DependenceModel``, ``followup.json``): "Quel temps
  fera-t-il demain à Lyon ?" after a question on the principles stands alone, and
  is searched (and declined) as if asked alone;
- a question that depends on it is also searched as the last earlier questions
  joined with it, with a smaller weight (``history_weight``);
- an ordinal ("le deuxième", "the third", "le dernier") in a short follow-up
  picks that child of the branch the previous answer led with.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag_territoires.corpus.model import Node
from rag_territoires.logistic import LogisticModel
from rag_territoires.retrieval.answerable import answerable_logit
from rag_territoires.text.analyzer import fold_accents

MODEL_FILE = Path(__file__).with_name("followup.json")
TOP = 5  # the best passages compared between the question alone and with its conversation

HISTORY_TURNS = 2
MAX_ORDINAL_QUERY_WORDS = 8  # beyond this, "premier" is more likely part of a real question

_ORDINALS = {
    1: r"premier|premiere|1er|1ere|first|1st",
    2: r"deuxieme|second|seconde|2e|2eme|2nd",
    3: r"troisieme|third|3e|3eme|3rd",
    4: r"quatrieme|fourth|4e|4eme|4th",
    5: r"cinquieme|fifth|5e|5eme|5th",
    -1: r"dernier|derniere|last",
}
_ORDINAL_PATTERNS = [(n, re.compile(rf"\b(?:{words})\b")) for n, words in _ORDINALS.items()]


def contextual_query(query: str, history: Sequence[str]) -> str | None:
    if not history:
        return None
    return " ".join([*history[-HISTORY_TURNS:], query])


def ordinal_in(query: str) -> int | None:
    text = fold_accents(query.lower())
    if len(text.split()) > MAX_ORDINAL_QUERY_WORDS:
        return None
    for number, pattern in _ORDINAL_PATTERNS:
        if pattern.search(text):
            return number
    return None


def ordinal_child(number: int, found: Node) -> Node | None:
    """The n-th child (-1: the last) of the branch found from the conversation, or of the
    nearest ancestor that has that many children."""
    node: Node | None = found
    while node is not None:
        if len(node.children) >= max(number, 2) or (number == -1 and node.children):
            return node.children[number - 1 if number > 0 else -1]
        node = node.parent
    return None


class DependenceModel(LogisticModel):
    """The probability that a question depends on the conversation before it. Its signals
    say how the question reads alone and beside the earlier ones, never which words it
    uses (an ordinal aside): a complete question on another subject matches the notes
    by itself and little like the previous question; "et pour l'eau ?" matches them
    better with its conversation than without, and reads like a follow-up."""

    FEATURES = (
        "alone_best",  # the best dense score of the question alone
        "context_gain",  # the best dense score with the conversation, minus alone
        "previous_cosine",  # the question's vector against the previous question's
        "top_shared",  # the share of the alone best passages among the context's
        "words",  # log of its word count: short questions lean on what came before
        "words_in_notes",  # how well its words are known to the notes
        "ordinal",  # "et le deuxième ?"
        "sounds_follow_up",  # the follow-up classifier's logit (below)
    )


@dataclass(frozen=True)
class Dependence:
    """What decides whether a question depends on its conversation: ``model`` (None: every
    question does; its inputs are still measured, to learn it), and by encoder a linear
    classifier of the centred question vector that learned, from the question files'
    follow-ups and other questions, what a follow-up sounds like ("et il a coûté combien
    ?", "who leads it?") in any wording or language: weights then bias, as the answerable
    classifier's (``answerable.py``)."""

    model: DependenceModel | None
    sounds: dict[str, np.ndarray] = field(default_factory=dict)

    def sounds_follow_up(self, encoder: str, centred: np.ndarray) -> float:
        classifier = self.sounds.get(encoder)
        return 0.0 if classifier is None else answerable_logit(classifier, centred)

    def depends(self, features: np.ndarray) -> bool:
        model = self.model
        return model is None or model.probability(features) >= model.threshold

    def to_dict(self, record: dict) -> dict:
        model = self.model.to_dict() if self.model is not None else None
        sounds = {name: [float(v) for v in c] for name, c in self.sounds.items()}
        return {"model": model, "sounds_follow_up": sounds, "record": record}

    @classmethod
    def from_dict(cls, data: dict) -> Dependence:
        model = data.get("model")
        return cls(
            DependenceModel.from_dict(model) if model is not None else None,
            {n: np.asarray(c, dtype=np.float32) for n, c in data["sounds_follow_up"].items()},
        )


def dependence_features(
    query: str,
    alone: np.ndarray,
    context: np.ndarray,
    fused_alone: np.ndarray,
    fused_context: np.ndarray,
    cosine: float,
    words_in_notes: float,
    sounds_follow_up: float,
) -> np.ndarray:
    """``alone``/``context``: dense scores of the same chunks; ``fused_*``: their fused
    scores (which passages lead each reading)."""
    top_alone = set(np.argsort(-fused_alone, kind="stable")[:TOP].tolist())
    top_context = set(np.argsort(-fused_context, kind="stable")[:TOP].tolist())
    values = (
        float(alone.max()),
        float(context.max() - alone.max()),
        cosine,
        len(top_alone & top_context) / TOP,
        math.log(1 + len(query.split())),
        words_in_notes,
        float(ordinal_in(query) is not None),
        sounds_follow_up,
    )
    return np.array(values, dtype=np.float64)


def _shipped(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@lru_cache(maxsize=1)
def shipped_dependence(path: Path = MODEL_FILE) -> Dependence | None:
    """The shipped decision; None without one (every question with a conversation then
    depends on it, as before it was learned)."""
    data = _shipped(path)
    return None if data is None else Dependence.from_dict(data)


def shipped_record(path: Path = MODEL_FILE) -> dict | None:
    """What the shipped decision was learned from and how it measured (for the report)."""
    data = _shipped(path)
    return None if data is None else data.get("record")
