"""French analyser for BM25: what makes ``ingenierie`` find ``ingénierie``.

Steps, in order: lower-case; fold accents (first, so that a question typed
without accents and the accented notes reach the stemmer as the same word);
strip elisions (``l'``, ``d'``, ``qu'``...); split on anything not a letter or
digit (``tiers-lieux`` gives ``tiers`` and ``lieux``); drop French and English
stop words (NLTK's English list: English questions are full of "what", "how", "do",
which expansion would otherwise map to French words); stem with Snowball's French stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH


def fold_accents(text: str) -> str:
    if text.isascii():  # nothing to fold (NFKD leaves ASCII as it is): the common case
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")
# Question words carry no topic: without this list "comment" would favour the
# notes' own questions ("Comment faire de la prospective ?") for every question.
_QUESTION_WORDS = {
    "comment",
    "quel",
    "quels",
    "quelle",
    "quelles",
    "quoi",
    "pourquoi",
    "combien",
    "est",
    "ce",
    "faut",
    "il",
    "y",
    "a",
    "notes",
    "dit",
    "disent",
    "parle",
}
STOP_WORDS = frozenset(
    fold_accents(word) for word in (*STOPWORDS_FRENCH, *STOPWORDS_EN_PLUS, *_QUESTION_WORDS)
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def analyze(text: str) -> list[str]:
    """Text to BM25 terms; the same function runs at index and query time."""
    folded = fold_accents(text.lower().translate(_APOSTROPHES))
    words = _TOKEN.findall(_ELISION.sub(" ", folded))
    return _stemmer().stemWords([w for w in words if w not in STOP_WORDS])


def stem(word: str) -> str:
    """The BM25 term of one folded, lower-case word."""
    return _stemmer().stemWord(word)


_LETTERS = re.compile(r"[^\W\d_]+")


def content_words(text: str) -> list[str]:
    """The text's words that carry a topic, lower-case with their accents (what an encoder
    reads best), without elisions, stop words, digits or single letters."""
    lowered = _ELISION.sub(" ", text.lower().translate(_APOSTROPHES))
    return [
        w for w in _LETTERS.findall(lowered) if len(w) > 1 and fold_accents(w) not in STOP_WORDS
    ]
