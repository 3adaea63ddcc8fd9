"""Chunks as the API shows them: the code's chunk is the API's passage.

The one place a chunk becomes a ``Passage`` and a chunk or one of its nodes a ``Source``:
the search's passages, the answers' citations and the browse routes all come from here,
so that a passage and a citation of it always name the same lines.
"""

from __future__ import annotations

from rag_territoires.corpus.chunks import Chunk, NodeSpan
from rag_territoires.schema import Passage, Source


def passage_of(chunk: Chunk, score: float) -> Passage:
    return Passage(
        id=chunk.id,
        text=chunk.text,
        branch=list(chunk.branch),
        score=round(score, 6),
        source=source_of(chunk),
    )


def source_of(chunk: Chunk, node: NodeSpan | None = None) -> Source:
    """Where the chunk is in its file, or one of its nodes (a quote: its own lines, and
    its topic in an XMind map)."""
    if node is None:
        return Source(
            document=chunk.document,
            title=chunk.title,
            line_start=chunk.line_start,
            line_end=chunk.line_end,
        )
    return Source(
        document=chunk.document,
        title=chunk.title,
        line_start=node.line_start,
        line_end=node.line_end,
        topic_id=node.topic_id,
    )
