"""The baseline a framework quick-start would build: the notes cut every ~500 characters.

The node texts are joined in export order (one per line, as the raw file reads
once its wrapped lines are joined) and the stream is cut into windows of at
most ``size`` characters, each ending on a word boundary (a hard cut only for a
word longer than the window). No overlap, no hierarchy, no breadcrumb: the
encoder and BM25 see each window's text alone.

Scoring needs to know which nodes a window holds. A node is credited to the
window that holds the largest share of its characters (ties to the earlier
window), so every node belongs to exactly one window, as with branch chunks,
and a window "contains" a gold node only if it holds at least half of it.
A window may credit no node (only minor pieces of cut nodes): it is then
never relevant. Its line span runs from the first line of the first node it
touches to the last line of the last one, so a citation covers every cut node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag_territoires.corpus.chunks import Chunk, NodeSpan
from rag_territoires.corpus.model import Document, Node

FIXED_CHARS = 500
FIXED_BRANCH = ("(fixed-size chunk)",)


@dataclass(frozen=True)
class FixedChunk(Chunk):
    """A window of the text stream. ``nodes`` are the nodes credited to it (see above)."""

    window: str = ""
    first_line: int = 0
    last_line: int = 0

    @property
    def text(self) -> str:
        return self.window

    @property
    def line_start(self) -> int:
        return self.first_line

    @property
    def line_end(self) -> int:
        return self.last_line

    @property
    def lexical_text(self) -> str:
        return self.window

    @property
    def embedding_text(self) -> str:
        return self.window

    def embedding_units(self, node_vectors: bool = True) -> list[str]:
        return [self.window]  # one vector per window, as a quick-start embeds it


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` offsets of windows of at most ``size`` characters cut on whitespace,
    without the whitespace at their edges."""
    spans = []
    start = 0
    while True:
        while start < len(text) and text[start].isspace():
            start += 1
        if start >= len(text):
            return spans
        end = min(start + size, len(text))
        if end < len(text) and not text[end].isspace():
            cut = max(text.rfind(" ", start, end + 1), text.rfind("\n", start, end + 1))
            end = cut if cut > start else end  # a single word longer than the window
        while text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
        start = end


def fixed_chunks(documents: Sequence[Document], size: int = FIXED_CHARS) -> list[FixedChunk]:
    """Each document's windows, numbered on across documents."""
    chunks: list[FixedChunk] = []
    for document in documents:
        chunks += _document_windows(document, size, first=len(chunks) + 1)
    return chunks


def _document_windows(document: Document, size: int, first: int) -> list[FixedChunk]:
    nodes: list[Node] = sorted(document.nodes(), key=lambda n: n.line_start)
    stream = "\n".join(n.text for n in nodes)
    offsets = []  # each node's [start, end) in the stream
    position = 0
    for node in nodes:
        offsets.append((position, position + len(node.text)))
        position += len(node.text) + 1
    cuts = windows(stream, size)
    touched: list[list[int]] = [[] for _ in cuts]  # node indexes overlapping each window
    credited: list[list[int]] = [[] for _ in cuts]
    for n, (node_start, node_end) in enumerate(offsets):
        shares = [
            (min(node_end, end) - max(node_start, start), w)
            for w, (start, end) in enumerate(cuts)
            if min(node_end, end) > max(node_start, start)
        ]
        for _, w in shares:
            touched[w].append(n)
        if shares:  # an empty node overlaps nothing and is credited nowhere
            best = max(shares, key=lambda share: (share[0], -share[1]))[1]
            credited[best].append(n)
    chunks = []
    for w, (start, end) in enumerate(cuts):
        spans = tuple(
            NodeSpan(nodes[n].id, nodes[n].text, nodes[n].line_start, nodes[n].line_end, ())
            for n in credited[w]
        )
        chunks.append(
            FixedChunk(
                id=f"fixed-{w + first:03d}",
                branch=FIXED_BRANCH,
                nodes=spans,
                document=document.file,
                window=stream[start:end],
                first_line=nodes[touched[w][0]].line_start,
                last_line=nodes[touched[w][-1]].line_end,
            )
        )
    return chunks
