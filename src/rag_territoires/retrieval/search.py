"""Search: a question (and its conversation) to ranked, cited branch chunks."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag_territoires.chunking import Chunk
from rag_territoires.config import MAX_QUERY_CHARS, RetrievalConfig
from rag_territoires.errors import QueryError
from rag_territoires.index.memory import SearchIndex
from rag_territoires.notes.outline import Node
from rag_territoires.retrieval.abstention import PASSAGES_CHECKED, lacks_answer_type
from rag_territoires.retrieval.encoders import Encoder
from rag_territoires.retrieval.followup import contextual_query, ordinal_child, ordinal_in
from rag_territoires.retrieval.fusion import BM25, fuse
from rag_territoires.schema import Passage, SearchResult, Source


def validate_query(query: object, what: str = "question") -> str:
    if not isinstance(query, str):
        raise QueryError(f"the {what} must be text")
    if not query.strip():
        raise QueryError(f"the {what} is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the {what} has {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
    bad = next((c for c in query if unicodedata.category(c) == "Cc" and c not in "\t\n\r"), None)
    if bad is not None:
        raise QueryError(f"the {what} contains a control character (U+{ord(bad):04X})")
    return query.strip()


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]  # every chunk, best first
    confidence: float  # how well the best chunk matches; compared with abstain_below
    lacks_answer_type: bool  # asks for a figure, date, contact... the passages lack

    def abstains(self, threshold: float) -> bool:
        return self.lacks_answer_type or self.confidence < threshold


@dataclass(frozen=True)
class Retrieval:
    result: SearchResult
    chunks: list[Chunk]  # the passages' chunks, same order


class Searcher:
    def __init__(
        self,
        index: SearchIndex,
        encoders: Sequence[Encoder],
        config: RetrievalConfig,
        nodes: dict[str, Node],
    ) -> None:
        self.index = index
        self.encoders = list(encoders)
        self.config = config
        self.nodes = nodes
        # Every node lies in exactly one chunk: where to find it.
        self._chunk_of_node = {
            span.id: i for i, chunk in enumerate(index.chunks) for span in chunk.nodes
        }

    def signals(self, text: str) -> dict[str, np.ndarray]:
        scores: dict[str, np.ndarray] = {}
        if self.config.use_bm25:
            scores[BM25] = self.index.bm25_scores(text)
        for encoder in self.encoders:
            vector = encoder.encode([text])[0]
            scores[encoder.name] = self.index.dense_scores(encoder.name, vector)
        return scores

    def _confidence(self, text: str, signals: dict[str, np.ndarray]) -> float:
        """Best cosine of the first encoder, plus a share for the question's words the
        notes use at all: off-topic questions ("la recette de la tarte tatin") reach a
        fair cosine with some branch but use words the notes never do.
        (BM25 alone: its best score over 10, capped at 1, stands in for the cosine.)"""
        dense = [s for name, s in signals.items() if name != BM25]
        best = float(dense[0].max()) if dense else min(float(signals[BM25].max()) / 10.0, 1.0)
        return best + self.config.coverage_weight * self.index.vocabulary_coverage(text)

    def rank(self, query: str, history: Sequence[str] = (), limit: int | None = None) -> Ranking:
        """Chunks best first: all of them, or the first ``limit`` (a search needs only top_k;
        the evaluation needs all for recall)."""
        signals = self.signals(query)
        fused = fuse(signals, self.config)
        confidence = self._confidence(query, signals)
        context = contextual_query(query, history)
        if context is not None:
            context_signals = self.signals(context)
            fused = fused + self.config.history_weight * fuse(context_signals, self.config)
            confidence = max(confidence, self._confidence(context, context_signals))
            number = ordinal_in(query)
            if number is not None:  # "et le deuxième ?": that child's chunk comes first
                # A chunk's id is its top node's, except for the evaluation's fixed-size
                # windows, which have no branch whose children an ordinal could pick.
                found = self.nodes.get(self._top_chunk(self.signals(history[-1])).id)
                child = ordinal_child(number, found) if found is not None else None
                if child is not None:
                    fused[self._chunk_of_node[child.id]] = fused.max() + 1.0
        order = np.argsort(-fused, kind="stable")[: max(limit or len(fused), PASSAGES_CHECKED)]
        hits = [Hit(self.index.chunks[i], float(fused[i])) for i in order]
        lacking = lacks_answer_type(query, [hit.chunk.text for hit in hits[:PASSAGES_CHECKED]])
        return Ranking(hits, confidence, lacking)

    def _top_chunk(self, signals: dict[str, np.ndarray]) -> Chunk:
        return self.index.chunks[int(np.argmax(fuse(signals, self.config)))]

    def retrieve(self, query: str, top_k: int = 5, history: Sequence[str] = ()) -> Retrieval:
        query = validate_query(query)
        history = [validate_query(h, "earlier question") for h in history]
        if not 1 <= top_k <= 50:
            raise QueryError("top_k must be between 1 and 50")
        ranking = self.rank(query, history, limit=top_k)
        hits = ranking.hits[:top_k]
        result = SearchResult(
            query=query,
            abstained=ranking.abstains(self.config.abstain_below),
            passages=[to_passage(hit) for hit in hits],
        )
        return Retrieval(result, [hit.chunk for hit in hits])

    def search(self, query: str, top_k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        return self.retrieve(query, top_k, history).result

    def chunk_of_node(self, node_id: str) -> Chunk:
        return self.index.chunks[self._chunk_of_node[node_id]]


def to_passage(hit: Hit) -> Passage:
    chunk = hit.chunk
    return Passage(
        id=chunk.id,
        text=chunk.text,
        branch=list(chunk.branch),
        score=round(hit.score, 6),
        source=Source(
            document=chunk.document, line_start=chunk.line_start, line_end=chunk.line_end
        ),
    )
