"""The searchable index in memory: chunks, a BM25 index and one FAISS index per encoder."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import bm25s
import faiss
import numpy as np

from rag_territoires.chunking import Chunk
from rag_territoires.retrieval.analyzer import analyze
from rag_territoires.retrieval.encoders import Encoder

EMBED_BATCH = 32
# bm25s sets its own logger to DEBUG, which prints a line per index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class SearchIndex:
    chunks: list[Chunk]
    dense: dict[str, faiss.Index]  # encoder name -> IndexFlatIP over the embedding units
    node_vectors: bool = True
    bm25: bm25s.BM25 = field(init=False)
    unit_owner: np.ndarray = field(init=False)  # unit row -> its chunk's position

    def __post_init__(self) -> None:
        self.unit_owner = unit_owners(self.chunks, self.node_vectors)
        # BM25 over ~150 short chunks builds in milliseconds: rebuilt, not stored.
        self.bm25 = bm25s.BM25()
        self.bm25.index([analyze(c.lexical_text) or [""] for c in self.chunks], show_progress=False)

    def bm25_scores(self, query: str) -> np.ndarray:
        terms = [t for t in analyze(query) if t in self.bm25.vocab_dict]
        if not terms:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(terms), dtype=np.float32)

    def vocabulary_coverage(self, text: str) -> float:
        """Share of the text's distinct BM25 terms that occur somewhere in the notes."""
        terms = set(analyze(text))
        if not terms:
            return 0.0
        return sum(term in self.bm25.vocab_dict for term in terms) / len(terms)

    def dense_scores(self, encoder: str, query_vector: np.ndarray) -> np.ndarray:
        """Per chunk, the best cosine similarity of the query with one of its units."""
        index = self.dense[encoder]
        scores, ids = index.search(query_vector.reshape(1, -1).astype(np.float32), index.ntotal)
        out = np.full(len(self.chunks), -1.0, dtype=np.float32)
        np.maximum.at(out, self.unit_owner[ids[0]], scores[0])
        return out


def unit_owners(chunks: Sequence[Chunk], node_vectors: bool = True) -> np.ndarray:
    return np.array(
        [i for i, chunk in enumerate(chunks) for _ in chunk.embedding_units(node_vectors)],
        dtype=np.int64,
    )


def embed_chunks(
    chunks: Sequence[Chunk],
    encoder: Encoder,
    node_vectors: bool = True,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    texts = [unit for chunk in chunks for unit in chunk.embedding_units(node_vectors)]
    parts = []
    for start in range(0, len(texts), EMBED_BATCH):
        parts.append(encoder.encode(texts[start : start + EMBED_BATCH]))
        if progress:
            progress(len(parts[-1]))
    return np.vstack(parts).astype(np.float32)


def flat_index(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_in_memory(
    chunks: list[Chunk], encoders: Sequence[Encoder], node_vectors: bool = True
) -> SearchIndex:
    dense = {e.name: flat_index(embed_chunks(chunks, e, node_vectors)) for e in encoders}
    return SearchIndex(chunks, dense, node_vectors)
