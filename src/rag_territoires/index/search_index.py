"""The searchable index in memory: chunks, a BM25 index, one FAISS index per encoder, and
the table that expands a question's words to the notes' words; how it scores chunks.
Making its parts from chunks is ``index/builders.py``."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import bm25s
import faiss
import numpy as np

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.text.analyzer import analyze
from rag_territoires.text.expansion import ExpansionTable

E5_UNITS = "e5"  # the re-ranker's vectors (SearchIndex.e5_units), scored by this name
# HNSW finds units, not chunks. A 600-character chunk has 5.5 on average (bench --scale),
# so the 300 units asked reach ~55 chunks besides BM25's 100; the top 10 still agreed
# 99.4% with scoring every chunk at 120k nodes. Asking more widens efSearch with it.
UNITS_PER_CHUNK = 3
# bm25s sets its own logger to DEBUG, which prints a line per index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class SearchIndex:
    chunks: list[Chunk]
    # encoder name -> IndexFlatIP (or IndexHNSWFlat above HNSW_ABOVE units) over the
    # embedding units, centred (see centre())
    dense: dict[str, faiss.Index]
    expansion: ExpansionTable = field(default_factory=ExpansionTable.empty)
    node_vectors: bool = True
    bm25: bm25s.BM25 | None = None  # None: built from the chunks now
    # unit row -> its chunk's position; None: computed from the chunks (~0.4 s at 100k)
    unit_owner: np.ndarray | None = None
    # e5's unit vectors, centred, in the same rows (retrieval/rerank.py); None: none built
    e5_units: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.unit_owner is None:
            self.unit_owner = unit_owners(self.chunks, self.node_vectors)
        # a chunk's units are consecutive rows: where each chunk's first one is
        self.unit_start = np.searchsorted(self.unit_owner, np.arange(len(self.chunks)))
        self.unit_count = np.diff(np.append(self.unit_start, len(self.unit_owner)))
        if self.bm25 is None:  # the evaluation's variants; a build stores its own
            self.bm25 = bm25_index(self.chunks)
        # plain views of the (memory-mapped) arrays: slicing a memmap makes a memmap
        # object each time, which costs more than the slice
        self._bm25_columns = tuple(
            np.asarray(self.bm25.scores[key]) for key in ("data", "indices", "indptr")
        )
        # the units' vectors as NumPy views of FAISS's own memory, made once (~3 µs each)
        self._vectors = {name: stored_vectors(index) for name, index in self.dense.items()}
        if self.e5_units is not None:  # scored as an encoder's, never fused
            self._vectors[E5_UNITS] = self.e5_units

    def position(self, chunk_id: str) -> int:
        """Where the chunk is among ``chunks`` (``KeyError``: not in this index)."""
        return self._positions[chunk_id]

    @cached_property
    def _positions(self) -> dict[str, int]:
        # made when first needed (an ordinal follow-up, a quoted node), not at every start
        return {chunk.id: i for i, chunk in enumerate(self.chunks)}

    def bm25_scores(
        self, terms: Mapping[str, float], chunks: np.ndarray | None = None
    ) -> np.ndarray:
        """BM25 of weighted terms: the sum of each term's scores times its weight, for
        every chunk or for the given ones."""
        # A term's scores are one column of the precomputed sparse matrix: added straight
        # into the total (bm25s' get_scores would make and sum a full-length array per
        # term, a third of a search's own time at 66 chunks). Within a column each chunk
        # appears once, so the fancy-indexed += adds every score.
        data, indices, indptr = self._bm25_columns
        vocab = self.bm25.vocab_dict
        total = np.zeros(len(self.chunks), dtype=np.float32)
        for term, weight in terms.items():
            column = vocab.get(term)
            if column is not None:
                start, end = indptr[column], indptr[column + 1]
                total[indices[start:end]] += weight * data[start:end]
        return total if chunks is None else total[chunks]

    def bm25_candidates(self, terms: Mapping[str, float], k: int) -> np.ndarray:
        """The ``k`` chunks BM25 scores best (fewer when fewer score at all)."""
        scores = self.bm25_scores(terms)
        scored = np.flatnonzero(scores > 0)
        if len(scored) <= k:
            return scored
        return scored[np.argpartition(-scores[scored], k)[:k]]

    def knows(self, term: str) -> bool:
        return term in self.bm25.vocab_dict

    def dense_scores(
        self, encoder: str, query_vector: np.ndarray, chunks: np.ndarray | None = None
    ) -> np.ndarray:
        """Per chunk (every one, or the given ones), the best cosine similarity of the
        query with one of its units: the units' vectors read in place (memory-mapped),
        one matrix-vector product, the best per chunk."""
        vectors = self._vectors[encoder]
        query = query_vector.astype(np.float32)
        if chunks is None:
            return np.maximum.reduceat(vectors @ query, self.unit_start).astype(np.float32)
        counts = self.unit_count[chunks]
        starts = np.repeat(self.unit_start[chunks] - np.cumsum(counts) + counts, counts)
        rows = starts + np.arange(counts.sum())
        local = np.cumsum(counts) - counts
        return np.maximum.reduceat(vectors[rows] @ query, local).astype(np.float32)

    def node_score(self, encoder: str, query_vector: np.ndarray, position: int, node: str) -> float:
        """The best cosine similarity of the query with the units of the chunk at
        ``position`` that are about ``node`` (all of its units if none is its own)."""
        chunk, start = self.chunks[position], int(self.unit_start[position])
        owners = [owner for _, owner in chunk.units(self.node_vectors)]
        rows = [start + k for k, owner in enumerate(owners) if owner == node]
        rows = rows or list(range(start, start + len(owners)))
        return float((self._vectors[encoder][rows] @ query_vector.astype(np.float32)).max())

    def dense_candidates(self, encoder: str, query_vector: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` chunks nearest the query: exactly (one product over the vectors, which
        is cheaper than asking FAISS for hundreds of sorted neighbours), or through the
        HNSW graph (a chunk has several units: more units are asked for)."""
        index = self.dense[encoder]
        if not isinstance(index, faiss.IndexHNSW):
            scores = self.dense_scores(encoder, query_vector)
            return scores.argsort()[::-1] if k >= len(scores) else np.argpartition(-scores, k)[:k]
        units = min(k * UNITS_PER_CHUNK, index.ntotal)
        index.hnsw.efSearch = max(64, units)  # the graph's search width must exceed k
        _, ids = index.search(query_vector.reshape(1, -1).astype(np.float32), units)
        return np.unique(self.unit_owner[ids[0][ids[0] >= 0]])


def stored_vectors(index: faiss.Index) -> np.ndarray:
    """A FAISS index's vectors as a NumPy view, not a copy (an HNSW index keeps them in
    its flat ``storage``)."""
    flat = faiss.downcast_index(index.storage) if hasattr(index, "storage") else index
    return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)


def bm25_index(chunks: Sequence[Chunk]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    bm25.index([analyze(c.lexical_text) or [""] for c in chunks], show_progress=False)
    return bm25


def unit_owners(chunks: Sequence[Chunk], node_vectors: bool = True) -> np.ndarray:
    return np.array(
        [i for i, chunk in enumerate(chunks) for _ in chunk.embedding_units(node_vectors)],
        dtype=np.int64,
    )
