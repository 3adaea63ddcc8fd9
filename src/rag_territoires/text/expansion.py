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
import struct
import zlib
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag_territoires.embedding.encoders import Encoder
from rag_territoires.text.analyzer import analyze, content_words, fold_accents
from rag_territoires.text.lexicon import MIN_LETTERS, general_vectors, general_words

KEPT_NEIGHBOURS = 5  # stored per word; the query uses config.expansion_neighbours of them
KEPT_MIN_COSINE = 0.45  # stored from here; the query uses config.expansion_min_cosine
BLOCK = 8192  # rows of the similarity matrix computed at once
# a word's stored neighbours: each term's position in the table's terms (-1: none), and
# its cosine; packed, so that one struct call reads a word's record
NEIGHBOURS = np.dtype([("term", "<i4", KEPT_NEIGHBOURS), ("cosine", "<f8", KEPT_NEIGHBOURS)])
_RECORD = struct.Struct(f"<{KEPT_NEIGHBOURS}i{KEPT_NEIGHBOURS}d")


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


class ExpansionTable:
    """Each folded word and its nearest terms of the notes, in a few arrays rather than a
    dictionary of lists of tuples: 46k words made ~780k objects and 39 MB (73 MB at the
    peak of reading them) per build, and a server that reloads held two builds at once
    and kept the freed objects' memory scattered; as arrays a build's table is ~4 MB in a
    few blocks, given back whole when the build goes (api/reload.py)."""

    def __init__(
        self,
        words: np.ndarray,
        terms: np.ndarray,
        neighbours: np.ndarray,
        slots: np.ndarray | None = None,
    ) -> None:
        self.words = words  # sorted UTF-8 folded words, fixed width (bytes)
        self.terms = terms  # the notes' terms the words lead to (bytes)
        self.neighbours = neighbours  # a NEIGHBOURS record per word, best first
        # a hash table of the words' rows (open addressing on CRC-32, stable across
        # processes): ~1 µs a word, where a binary search in NumPy took ~4
        self.slots = slots if slots is not None else _slots(words)
        self._mask = len(self.slots) - 1
        self._records = memoryview(np.ascontiguousarray(neighbours).view(np.uint8))
        self._terms = tuple(t.decode() for t in terms.tolist())

    @classmethod
    def from_neighbours(
        cls, neighbours: Mapping[str, Sequence[tuple[str, float]]]
    ) -> ExpansionTable:
        """From folded word -> [(notes term, cosine), ...], best first."""
        keys = sorted(neighbours, key=str.encode)
        terms = sorted({t for near in neighbours.values() for t, _ in near}, key=str.encode)
        position = {term: i for i, term in enumerate(terms)}
        padding = [(-1, 0.0)] * KEPT_NEIGHBOURS
        rows = [
            ([(position[t], c) for t, c in neighbours[key][:KEPT_NEIGHBOURS]] + padding)[
                :KEPT_NEIGHBOURS
            ]
            for key in keys
        ]
        records = np.zeros(len(keys), dtype=NEIGHBOURS)
        if rows:  # filled column by column: a NumPy assignment per cell took ~0.5 s
            records["term"] = [[t for t, _ in row] for row in rows]
            records["cosine"] = [[c for _, c in row] for row in rows]
        return cls(_fixed(keys), _fixed(terms), records)

    @classmethod
    def empty(cls) -> ExpansionTable:
        return cls.from_neighbours({})

    def __len__(self) -> int:
        return len(self.words)

    def neighbours_of(self, folded: str) -> list[tuple[str, float]]:
        """The stored (notes term, cosine) of a folded word, best first; none if unknown."""
        key = folded.encode()
        slots, words, mask = self.slots, self.words, self._mask
        slot = zlib.crc32(key) & mask
        while (row := slots.item(slot)) >= 0 and words.item(row) != key:
            slot = (slot + 1) & mask
        if row < 0:
            return []
        values = _RECORD.unpack_from(self._records, row * _RECORD.size)
        terms = self._terms
        return [
            (terms[t], c)
            for t, c in zip(values[:KEPT_NEIGHBOURS], values[KEPT_NEIGHBOURS:], strict=True)
            if t >= 0
        ]

    @classmethod
    def build(cls, texts: Iterable[str], encoder: Encoder) -> ExpansionTable:
        surface: dict[str, str] = {}
        for text in texts:
            for word in content_words(text):
                folded = fold_accents(word)
                if len(folded) >= MIN_LETTERS and _term(word):
                    surface.setdefault(folded, word)
        if not surface:
            return cls.empty()
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
        return cls.from_neighbours(neighbours)

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
            stored = self.neighbours_of(fold_accents(word))[:count]
            near = tuple((t, c) for t, c in stored if c >= min_cosine)
            words.append(WordMatch(own, own in notes, near))
            for term, cosine in near:
                terms[term] = max(terms.get(term, 0.0), weight * cosine)
        terms.update((w.own, 1.0) for w in words if w.own)
        return Expansion(terms, tuple(words))

    def save(self, path: Path) -> None:
        with path.open("wb") as file:  # a path without .npz would get one added
            np.savez(
                file,
                words=self.words,
                terms=self.terms,
                neighbours=self.neighbours,
                slots=self.slots,
            )

    @classmethod
    def load(cls, path: Path) -> ExpansionTable:
        """A table ``save`` wrote (``expansion.npz``), or the JSON of builds made before."""
        if path.suffix == ".json":
            return cls.from_json(path.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as stored:
            names = ("words", "terms", "neighbours", "slots")
            return cls(*(stored[name] for name in names))

    @classmethod
    def from_json(cls, text: str) -> ExpansionTable:
        """The table of a build made before it was stored as arrays."""
        data = json.loads(text)
        return cls.from_neighbours(
            {w: [(t, float(c)) for t, c in near] for w, near in data.items()}
        )


def _slots(words: np.ndarray) -> np.ndarray:
    """Each word's row at its CRC-32's slot, or the next free one; at most half full."""
    size = 1 << max(1, (2 * len(words)).bit_length())
    slots = [-1] * size
    for row, word in enumerate(words.tolist()):
        slot = zlib.crc32(word) & (size - 1)
        while slots[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        slots[slot] = row
    return np.array(slots, dtype=np.int32)


def _fixed(texts: list[str]) -> np.ndarray:
    """UTF-8, fixed width, in the given (byte) order: ``np.searchsorted`` finds a word."""
    encoded = [t.encode() for t in texts]
    return np.array(encoded, dtype=f"S{max(map(len, encoded), default=1)}")
