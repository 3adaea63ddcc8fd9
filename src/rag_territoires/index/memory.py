"""The searchable index in memory: chunks, a BM25 index and one FAISS index per encoder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import bm25s
import faiss
import numpy as np

from rag_territoires.chunking import Chunk
from rag_territoires.retrieval.analyzer import analyze
from rag_territoires.retrieval.encoders import Encoder

EMBED_BATCH = 32


@dataclass
class SearchIndex:
    chunks: list[Chunk]
    dense: dict[str, faiss.Index]  # encoder name -> IndexFlatIP over normalised vectors
    bm25: bm25s.BM25 = field(init=False)

    def __post_init__(self) -> None:
        # BM25 over ~150 short chunks builds in milliseconds: rebuilt, not stored.
        self.bm25 = bm25s.BM25()
        self.bm25.index(
            [analyze(c.embedding_text) or [""] for c in self.chunks], show_progress=False
        )

    def bm25_scores(self, query: str) -> np.ndarray:
        terms = [t for t in analyze(query) if t in self.bm25.vocab_dict]
        if not terms:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(terms), dtype=np.float32)

    def dense_scores(self, encoder: str, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every chunk, in chunk order."""
        index = self.dense[encoder]
        scores, ids = index.search(query_vector.reshape(1, -1).astype(np.float32), index.ntotal)
        out = np.empty(index.ntotal, dtype=np.float32)
        out[ids[0]] = scores[0]
        return out


def embed_chunks(
    chunks: Sequence[Chunk], encoder: Encoder, progress: Callable[[int], None] | None = None
) -> np.ndarray:
    texts = [c.embedding_text for c in chunks]
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


def build_in_memory(chunks: list[Chunk], encoders: Sequence[Encoder]) -> SearchIndex:
    return SearchIndex(chunks, {e.name: flat_index(embed_chunks(chunks, e)) for e in encoders})
