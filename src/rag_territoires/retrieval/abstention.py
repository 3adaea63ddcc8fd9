"""When to say "the notes don't say": a calibrated decision learned from signals.

A logistic model gives the probability that the best passages answer the
question, from signals that need no list of topics: how well the best branch
matches (centred cosine) and how well the next few do, how much of the question
the notes' vocabulary covers
(directly or through expansion), names the notes never use, and the kind of
fact asked (a figure, a date, a person...) against what the best passages hold.
The notes are a mind map of ideas with almost no figures, so similarity alone
cannot tell "what is the LAB 41" (answered) from "what is the LAB 41's budget"
(not answered); the asked type is one feature among others, never the decision.

The margin over the next branch, the share of words in the best passages, the
agreement of the dense and lexical rankings and the question's length were
measured too, and dropped: with them, cross-validated abstention recall fell
from 0.73 to 0.67 at the same false abstention. Its weights, and the probability under which
the search abstains, are fitted by cross-validation (``evaluation/crossval.py``)
and shipped in ``calibration.json``.

That model was fitted on the seminar's questions and judges the seminar. A question whose
best passage lies in another map is judged by a general model of the same form, fitted on
many maps' questions and chosen by leaving one map out (``Calibration.abstention_for``):
on maps full of figures, "asks a figure" no longer means "unanswerable".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cached_property

import numpy as np

from rag_territoires.logistic import LogisticModel
from rag_territoires.text.analyzer import analyze, fold_accents
from rag_territoires.text.lexicon import common_words

PASSAGES_CHECKED = 3
NEAR_BRANCHES = 5  # as many as a search returns by default


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
    # "Quand" asks for a date with a past or future verb ("quand a eu lieu", "quand
    # sera"); in the present it asks for a condition ("quand est-ce qu'un appel à projets
    # fonctionne ?"), which the notes may well answer. Likewise "when".
    "date": _words(
        r"quand (?:est-ce qu'(?:il|elle|on|ils|elles) )?(?:a|ont|avait|etait|aura|sera|seront)",
        r"quand (?:[\w-]+ ){0,4}(?:a-t-(?:il|elle|on)|ont-(?:ils|elles)|sera-t-(?:il|elle))",
        r"c'etait quand",
        r"depuis quand",
        r"quelle date",
        r"en quelle annee",
        r"quelle annee",
        r"when (?:was|were|did|will|is the|are the)",
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
        r"^(?:et |and )?(?:qui|who)",
        r"c'est qui",
        r"qui (?:est|etait|sont|a|ont|avait)(?: \w+)? (?:le|la|les|anime|organise|presente|dirige)",
        r"qui (?:animait|anime|organisait|dirigeait|pilotait|pilote|portait|finance|financait)",
        r"who (?:facilitated|led|organi[sz]ed|ran|chaired|presented|is|was|were|set)",
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


def holds_answer_type(kind: str, text: str) -> bool:
    """Whether ``text`` holds the kind of fact ``kind`` names (an ``expected_answer_type``)."""
    return _HAS[kind].search(text) is not None


def lacks_answer_type(kind: str, passages: Sequence[str]) -> bool:
    """True when the best passages do not contain the kind of fact the question asks for
    (``kind``: its ``expected_answer_type``)."""
    return not any(holds_answer_type(kind, text) for text in passages[:PASSAGES_CHECKED])


# Acronyms, and capitalised words inside a sentence: names of people, places, programmes.
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b")
_CAPITALISED = re.compile(r"(?<![.?!:] )(?<!^)\b[A-Z][a-zà-ÿ]+\b")

FEATURES = (
    "dense_best",  # centred cosine of the best branch
    # mean centred cosine of the NEAR_BRANCHES best: one branch may sit close to any
    # question by chance ("temps", "demain"); several close ones mean the notes discuss it
    # (5-fold cross-validation over the tuning questions, off-topic ones included:
    # abstention recall 0.710 -> 0.784 at false abstention 0.070 -> 0.072)
    "dense_near",
    "words_in_notes",  # mean over the question's words: 1 if the notes use it, else the
    # cosine of its nearest word of the notes
    "words_surely_in_notes",  # share of the question's words at 0.8 or more
    "unknown_names",  # names and acronyms the notes never use
    "asks_fact",  # asks a figure, a date, a contact or a person at all (the notes are ideas)
    "lacks_answer_type",  # ... that the best passages lack
    # how much the question itself reads like those the notes answer (answerable.py): the
    # only feature that looks at the question, not at how the notes match it (held out
    # one tuning file at a time: false abstention 0.067 -> 0.014, recall 0.75 -> 0.84)
    "sounds_answerable",
)


@dataclass(frozen=True)
class AbstentionModel(LogisticModel):
    """Probability that the best passages answer the question; abstain under ``threshold``.

    ``used``: the features it weighs, of those the search computes (``FEATURES``). Which
    ones carry to maps nobody tuned for is measured map by map (``evaluation/transfer.py``)."""

    FEATURES = FEATURES
    used: tuple[str, ...] = FEATURES

    @cached_property
    def _columns(self) -> np.ndarray:
        return np.array([FEATURES.index(name) for name in self.used], dtype=np.intp)

    def probability(self, features: np.ndarray) -> float:
        return super().probability(np.asarray(features)[self._columns])

    @classmethod
    def fit_on(
        cls,
        x: np.ndarray,
        positive: np.ndarray,
        l2: float,
        used: tuple[str, ...] = FEATURES,
        weights: np.ndarray | None = None,
    ) -> AbstentionModel:
        """Fitted on the ``used`` columns of ``x`` (rows of every ``FEATURES``)."""
        columns = [FEATURES.index(name) for name in used]
        model = cls.fit(x[:, columns], positive, l2, weights=weights)
        return replace(model, used=tuple(used))

    def with_threshold(self, threshold: float) -> AbstentionModel:
        return replace(self, threshold=threshold)

    def to_dict(self) -> dict:
        data = asdict(self)
        return {"features": list(data.pop("used")), **data}

    @classmethod
    def from_dict(cls, data: dict) -> AbstentionModel:
        used = tuple(data["features"])
        unknown = [name for name in used if name not in FEATURES]
        if unknown:
            raise ValueError(f"the abstention model weighs unknown features {unknown}")
        return replace(cls.from_parameters(data), used=used)


def unknown_names(question: str, knows: Callable[[str], bool]) -> int:
    """Names the notes never use: acronyms ("LEADER", "ANCT") and capitalised words that are
    not common words either ("Vercors"; not "State" or "French")."""
    text = question.strip()
    names = set(_ACRONYM.findall(text))
    common = common_words()
    names |= {w for w in _CAPITALISED.findall(text) if fold_accents(w.lower()) not in common}
    found = 0
    for name in names:
        terms = analyze(name)
        found += bool(terms) and not all(knows(t) for t in terms)
    return found
