"""Claim-level grounding: keep a language model's sentence only when its quotes support it.

A marker that resolves is not a claim that is supported: a small model strings real
markers after invented words. So the answer is cut into sentences, each with the markers
it ends with, and each sentence is compared with the quotes it cites, through signals that
need no extra model:

- ``dense``: the multilingual encoder's cosine between the sentence and its best cited
  quote, or all its cited quotes together (a sentence may combine two);
- ``weakest_part``: the same cosine for the sentence's weakest part (cut at commas,
  semicolons and colons): "X [1], which doubled budgets in 2021" is half invented;
- ``coverage``: the share of the sentence's content words found in the cited quotes
  and their branch, exactly (same stem) or through the encoder's word space (a
  translation, a synonym), rarer words weighing more (``wordfreq``'s frequencies);
- ``unsupported_words``: how many rare content words have no match at all;
- ``unknown_words``: the share of words that are neither French or English words known to
  ``wordfreq`` nor words of the quotes (what a tiny model's made-up words look like);
- ``new_numbers`` and ``new_names``: figures, acronyms and names absent from the quotes;
- ``negation_mismatch`` and ``new_absolutes``: a negation on one side only, and words
  such as "seul", "toujours", "only" that the quotes do not use.

A logistic model (``grounding.json``, fitted by cross-validation on a labelled set of
supported and unsupported sentences, ``evaluation/grounding.py``) turns them into the
probability that the sentence is supported. A sentence without a marker is unsupported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag_territoires.embedding.encoders import Encoder
from rag_territoires.logistic import LogisticModel
from rag_territoires.retrieval.abstention import unknown_names
from rag_territoires.text.analyzer import analyze, content_words, fold_accents

MARKER = re.compile(r"\[(\d{1,4})\]")  # a marker is a small number: "[" + 5,000 digits is not
MODEL_FILE = Path(__file__).with_name("grounding.json")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d{1,4}\])+[.,;:]?")
_PARTS = re.compile(r"[,;:()]|\s[-–—]\s")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# Small closed classes of words that flip or stretch a claim while keeping every topic word:
# "il n'était pas nécessaire de changer" against "nécessité de changer", "le seul outil".
# Features, never a decision on their own.
_NEGATION = re.compile(
    r"\b(?:ne|n'|pas|plus|jamais|aucun|aucune|rien|sans|ni|not|no|never|none|nor|without|"
    r"cannot)\b|n't\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(
    r"\b(?:seul|seule|seuls|seules|seulement|uniquement|exclusivement|toujours|tous|toutes|"
    r"aucun|aucune|totalement|entièrement|only|solely|always|all|every|entirely|totally|"
    r"essentially|same|même|mêmes)\b",
    re.IGNORECASE,
)
MIN_PART_WORDS = 3  # a part shorter than this ("de façon générale") is not a claim
WORD_MATCH = 0.5  # a word whose nearest quote word is below this cosine has no match
RARE_ZIPF = 4.5  # wordfreq's Zipf scale: 4.5 is about once per 30,000 words


class GroundingModel(LogisticModel):
    """Probability that a sentence is supported by the quotes it cites."""

    FEATURES = (
        "dense",
        "weakest_part",
        "coverage",
        "unsupported_words",
        "unknown_words",
        "new_numbers",
        "new_names",
        "negation_mismatch",
        "new_absolutes",
    )


@dataclass(frozen=True)
class Claim:
    """One sentence of the answer, as written, and the markers it carries."""

    text: str
    markers: tuple[int, ...]
    line: int  # which line of the answer it sits on, to rebuild the answer's layout

    @property
    def statement(self) -> str:
        """The sentence without its markers or list bullet."""
        return _BULLET.sub("", MARKER.sub("", self.text)).strip()


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    supported: bool
    probability: float | None  # None: decided without the model (no marker, unknown marker)
    reason: str | None  # why not supported: no_citation, unknown_citation, not_in_quotes,
    # number_not_in_quotes, name_not_in_quotes


def split_claims(text: str) -> list[Claim]:
    """Sentences, line by line; markers written after the full stop ("... ruraux. [1]")
    belong to the sentence before them."""
    claims: list[Claim] = []
    for number, line in enumerate(text.splitlines()):
        for piece in _sentences(line.strip()):
            leading = _LEADING_MARKERS.match(piece)
            if leading and claims and claims[-1].line == number:
                previous = claims.pop()
                moved = previous.text + " " + leading[0].strip()
                claims.append(Claim(moved, _markers(moved), number))
                piece = piece[leading.end() :].strip()
                if not piece:
                    continue
            claims.append(Claim(piece, _markers(piece), number))
    return [c for c in claims if any(ch.isalnum() for ch in MARKER.sub("", c.text))]


def _sentences(line: str) -> list[str]:
    """Cut at ".", "!", "?" or "…" before a space, except inside quotation marks (a quoted
    note may hold several sentences) and after an initial ("T. d'aujourd'hui")."""
    pieces, start, depth, straight = [], 0, 0, False
    for i, char in enumerate(line):
        if char in "«“":
            depth += 1
        elif char in "»”":
            depth = max(0, depth - 1)
        elif char == '"':
            straight = not straight
        elif char in ".!?…" and not depth and not straight:
            at_end = i + 1 == len(line) or line[i + 1].isspace()
            initial = i >= 1 and line[i - 1].isupper() and (i < 2 or not line[i - 2].isalpha())
            if at_end and not (char == "." and initial):
                pieces.append(line[start : i + 1])
                start = i + 1
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def _markers(text: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(m) for m in MARKER.findall(text)))


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    import wordfreq

    return max(wordfreq.zipf_frequency(word, "fr"), wordfreq.zipf_frequency(word, "en"))


class GroundingChecker:
    """Cheap to build; needs a warmed-up multilingual encoder to run."""

    def __init__(self, encoder: Encoder, model: GroundingModel | None = None) -> None:
        self.encoder = encoder
        self.model = model or load_model()

    def features(self, statement: str, quotes: Sequence[str], context: Sequence[str]) -> np.ndarray:
        """``quotes``: the cited quotes' texts; ``context``: the same with their branch
        titles, whose words count as support too ("principes" in "3 principes > X")."""
        parts = [p for p in _PARTS.split(statement) if len(content_words(p)) >= MIN_PART_WORDS]
        texts = [statement, *parts, *quotes, *context, " ".join(quotes)]
        vectors = self.encoder.encode(texts)
        n_parts = len(parts)
        sentence, part_vectors = vectors[0], vectors[1 : 1 + n_parts]
        quote_vectors = vectors[1 + n_parts :]
        dense = float((quote_vectors @ sentence).max())
        weakest = float((part_vectors @ quote_vectors.T).max(axis=1).min()) if n_parts else dense
        coverage, unsupported, unknown = self._word_support(statement, context)
        known = " ".join(context)
        support_terms = set(analyze(known))
        numbers = {fold_accents(n) for n in _NUMBER.findall(known)}
        new_numbers = sum(n not in numbers for n in set(_NUMBER.findall(statement)))
        new_names = unknown_names(statement, lambda term: term in support_terms)
        negation = float(bool(_NEGATION.search(statement)) != bool(_NEGATION.search(known)))
        absolutes = {w.lower() for w in _ABSOLUTE.findall(statement)}
        new_absolutes = len(absolutes - {w.lower() for w in _ABSOLUTE.findall(known)})
        return np.array(
            [dense, weakest, coverage, unsupported, unknown, new_numbers, new_names, negation,
             new_absolutes],
            dtype=np.float64,
        )  # fmt: skip

    def _word_support(self, statement: str, context: Sequence[str]) -> tuple[float, int, float]:
        words = list(dict.fromkeys(content_words(statement)))
        if not words:
            return 1.0, 0, 0.0
        quote_words = list(dict.fromkeys(w for t in context for w in content_words(t)))
        quote_terms = {stem for w in quote_words for stem in analyze(w)}
        matched = np.zeros(len(words))
        to_embed = [i for i, w in enumerate(words) if not set(analyze(w)) <= quote_terms]
        for i in set(range(len(words))) - set(to_embed):
            matched[i] = 1.0
        if to_embed and quote_words:
            vectors = self.encoder.encode([words[i] for i in to_embed] + quote_words)
            cosines = vectors[: len(to_embed)] @ vectors[len(to_embed) :].T
            matched[to_embed] = cosines.max(axis=1)
        weights = np.array([max(0.5, 7.0 - _zipf(w)) for w in words])
        coverage = float((weights * np.clip(matched, 0, 1)).sum() / weights.sum())
        rare_unmatched = sum(
            matched[i] < WORD_MATCH and _zipf(w) < RARE_ZIPF for i, w in enumerate(words)
        )
        quote_folded = {fold_accents(w) for w in quote_words}
        folded = [fold_accents(w) for w in words]
        unknown = sum(
            _zipf(w) == 0 and f not in quote_folded for w, f in zip(words, folded, strict=True)
        ) / len(words)
        return coverage, int(rare_unmatched), float(unknown)

    def check(self, claim: Claim, quotes: dict[int, tuple[str, str]]) -> Verdict:
        """``quotes``: marker → (quote, branch path as text)."""
        if not claim.markers:
            return Verdict(claim, False, None, "no_citation")
        known = [n for n in claim.markers if n in quotes]  # the others are reported apart
        if not known:
            return Verdict(claim, False, None, "unknown_citation")
        cited = [quotes[n][0] for n in known]
        context = [f"{quotes[n][1]} {quotes[n][0]}" for n in known]
        features = self.features(claim.statement, cited, context)
        probability = self.model.probability(features)
        if probability >= self.model.threshold:
            return Verdict(claim, True, probability, None)
        names = GroundingModel.FEATURES
        if features[names.index("new_numbers")] > 0:
            reason = "number_not_in_quotes"
        elif features[names.index("new_names")] > 0:
            reason = "name_not_in_quotes"
        else:
            reason = "not_in_quotes"
        return Verdict(claim, False, probability, reason)

    def check_answer(self, text: str, quotes: dict[int, tuple[str, str]]) -> list[Verdict]:
        return [self.check(claim, quotes) for claim in split_claims(text)]


def grounded_text(verdicts: Sequence[Verdict]) -> str:
    """The supported sentences, on the lines the model wrote them on."""
    lines: dict[int, list[str]] = {}
    for verdict in verdicts:
        if verdict.supported:
            lines.setdefault(verdict.claim.line, []).append(verdict.claim.text.strip())
    return "\n".join(" ".join(sentences) for _, sentences in sorted(lines.items()))


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> GroundingModel:
    return GroundingModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
