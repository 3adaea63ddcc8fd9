"""When to say "the notes don't say".

Two tests, either one abstains:

1. Confidence: the best cosine similarity of the question with a chunk is
   under a threshold calibrated on the evaluation's tuning split
   (``rag-territoires eval`` prints it; it is the default in config.py).
2. Answer type: a question that asks for a figure, a date, a contact or a
   person ("Quel est le budget du LAB 41 ?") is only answered when the best
   passages hold something of that type. The notes are a mind map of ideas
   with almost no figures, so similarity alone cannot tell "what is the LAB 41"
   (answered) from "what is the LAB 41's budget" (not answered).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag_territoires.retrieval.analyzer import fold_accents

PASSAGES_CHECKED = 3


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Matched on the lower-cased, accent-folded question.
_ASKS = {
    "money": _words(
        r"budget",
        r"montant",
        r"cout(?:e|ent)?",
        r"prix",
        r"combien d'euros",
        r"euros?",
        r"subventions?",
        r"subsid(?:y|ies)",
        r"how much",
        r"cost(?:s)?",
        r"funding amount",
    ),
    "quantity": _words(
        r"combien",
        r"how many",
        r"nombre de",
        r"taux",
        r"population",
        r"number of",
        r"percentage",
        r"pourcentage",
    ),
    "date": _words(
        r"^quand",
        r"quand (?:a|ont|est|etait|aura|sera)",
        r"c'etait quand",
        r"depuis quand",
        r"quelle date",
        r"en quelle annee",
        r"when",
        r"what year",
        r"what date",
        r"which year",
    ),
    "contact": _words(
        r"adresse",
        r"address",
        r"e-?mail",
        r"mail",
        r"telephone",
        r"phone",
        r"numero de tel",
        r"contacter",
        r"contact",
    ),
    "person": _words(
        r"qui est (?:le|la)",
        r"qui a (?:anime|organise|presente|dirige)",
        r"who (?:facilitated|led|organi[sz]ed|ran|chaired|presented|is the)",
    ),
}
_HAS = {
    "money": re.compile(r"\d\s*(?:€|k€|m€|euros?|eur\b)", re.IGNORECASE),
    "quantity": re.compile(r"\d"),
    "date": re.compile(r"\b(?:1[89]|20)\d\d\b"),
    "contact": re.compile(r"@|\+?\d[\d .]{8,}\d"),
    "person": re.compile(r"(?<![\n.:] )(?<!^)\b[A-Z][a-zé]+ [A-Z][a-zé]+\b"),
}
# Checked in this order: "how much does it cost" asks for money, not a quantity.
_ORDER = ("money", "date", "contact", "person", "quantity")


def expected_answer_type(question: str) -> str | None:
    text = fold_accents(question.lower()).replace("\u2019", "'")
    return next((kind for kind in _ORDER if _ASKS[kind].search(text)), None)


def lacks_answer_type(question: str, passages: Sequence[str]) -> bool:
    """True when the question asks for a kind of fact the best passages do not contain."""
    kind = expected_answer_type(question)
    if kind is None:
        return False
    return not any(_HAS[kind].search(text) for text in passages[:PASSAGES_CHECKED])
