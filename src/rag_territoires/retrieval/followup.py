"""Follow-up questions: read a short question in the light of the earlier ones.

"et le deuxième ?" after "Quels sont les 3 principes à appliquer ?" says
nothing by itself. Two mechanisms, both measured on the follow-up questions
of the evaluation set:

- the search also runs on the last earlier questions joined with the new
  one, with a smaller weight (``history_weight``);
- an ordinal ("le deuxième", "the third", "le dernier") in a short follow-up
  picks that child of the branch the earlier question found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag_territoires.corpus.model import Node
from rag_territoires.text.analyzer import fold_accents

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
