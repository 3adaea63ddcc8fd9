"""Query expansion through the encoder's space: "engineering" finds "ingénierie".

At build time every common word (``lexicon.py``) and every word of the notes is
linked to its nearest words of the notes under the multilingual encoder, when
their cosine is high enough. At query time each word of the question brings
those neighbours to BM25 with a weight below its own, so an English or
paraphrased question shares terms with the notes it never spells. A lookup in
a table: no forward pass per query.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable
from dataclasses import dataclass

import numpy as np

from rag_territoires.embedding.encoders import Encoder
from rag_territoires.text.analyzer import analyze, content_words, fold_accents
from rag_territoires.text.lexicon import MIN_LETTERS, general_vectors, general_words

KEPT_NEIGHBOURS = 5  # stored per word; the query uses config.expansion_neighbours of them
KEPT_MIN_COSINE = 0.45  # stored from here; the query uses config.expansion_min_cosine
BLOCK = 8192  # rows of the similarity matrix computed at once


def _term(word: str) -> str | None:
    terms = analyze(word)
    return terms[0] if len(terms) == 1 else None


@dataclass(frozen=True)
class WordMatch:
    """One word of the question and what it reaches in the notes."""

    own: str | None  # its own BM25 term
    in_notes: bool  # the notes use that term
    near: tuple[tuple[str, float], ...]  # neighbour terms of the notes, with their cosine

    @property
    def terms(self) -> set[str]:
        return {t for t in (self.own, *(t for t, _ in self.near)) if t}

    @property
    def strength(self) -> float:
        """1 when the notes use the word itself, else its best neighbour's cosine."""
        return 1.0 if self.in_notes else max((c for _, c in self.near), default=0.0)


@dataclass(frozen=True)
class Expansion:
    terms: dict[str, float]  # BM25 term -> weight (1 for the question's own words)
    words: tuple[WordMatch, ...]


@dataclass
class ExpansionTable:
    neighbours: dict[str, list[tuple[str, float]]]  # folded word -> (notes term, cosine)

    @classmethod
    def build(cls, texts: Iterable[str], encoder: Encoder) -> ExpansionTable:
        surface: dict[str, str] = {}
        for text in texts:
            for word in content_words(text):
                folded = fold_accents(word)
                if len(folded) >= MIN_LETTERS and _term(word):
                    surface.setdefault(folded, word)
        if not surface:
            return cls({})
        note_words = sorted(surface)
        note_terms = [_term(surface[w]) for w in note_words]
        note_vectors = encoder.encode([surface[w] for w in note_words])
        keys = [fold_accents(w) for w in general_words()] + note_words
        key_vectors = np.vstack([general_vectors(encoder), note_vectors])
        neighbours: dict[str, list[tuple[str, float]]] = {}
        for start in range(0, len(keys), BLOCK):
            sims = key_vectors[start : start + BLOCK].astype(np.float32) @ note_vectors.T
            best = np.argsort(-sims, axis=1)[:, : KEPT_NEIGHBOURS * 2]
            for row, columns in enumerate(best):
                key = keys[start + row]
                own = _term(key)
                found: dict[str, float] = {}
                for column in columns:
                    cosine = float(sims[row, column])
                    term = note_terms[column]
                    if cosine < KEPT_MIN_COSINE or len(found) == KEPT_NEIGHBOURS:
                        break
                    if term != own and term not in found:
                        found[term] = round(cosine, 4)
                if found:
                    neighbours[key] = list(found.items())
        return cls(neighbours)

    def expand(
        self, text: str, count: int, min_cosine: float, weight: float, notes: Container[str]
    ) -> Expansion:
        """The question's BM25 terms with weight 1, and for each of its words the first
        ``count`` neighbours at ``min_cosine`` or more, weighted ``weight × cosine``.
        ``notes``: the BM25 terms of the notes."""
        terms: dict[str, float] = {}
        words = []
        for word in content_words(text):
            own = _term(word)
            stored = self.neighbours.get(fold_accents(word), [])[:count]
            near = tuple((t, c) for t, c in stored if c >= min_cosine)
            words.append(WordMatch(own, own in notes, near))
            for term, cosine in near:
                terms[term] = max(terms.get(term, 0.0), weight * cosine)
        terms.update((w.own, 1.0) for w in words if w.own)
        return Expansion(terms, tuple(words))

    def to_json(self) -> str:
        return json.dumps(self.neighbours, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ExpansionTable:
        data = json.loads(text)
        return cls({word: [(t, float(c)) for t, c in near] for word, near in data.items()})
