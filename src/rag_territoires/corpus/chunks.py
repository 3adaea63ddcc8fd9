"""Branch chunks: a node with its descendants, split per sub-branch when too large.

A chunk is what a search returns and what a citation points to, so it must be
small enough to check by eye. ``max_chars`` sets the budget: a branch whose
texts fit is one chunk; a larger one becomes a chunk for its own node plus the
chunks of each of its children. The budget is chosen by cross-validation with
the query-time parameters (evaluation/crossval.py, eval/report.md); ``0`` gives
one chunk per node, a huge value one per section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag_territoires.corpus.model import Document, Node

DEFAULT_MAX_CHARS = 600
BREADCRUMB_SEPARATOR = " > "


def _as_fields(item: NodeSpan | Chunk) -> tuple:
    """Pickled as the class and its fields: a frozen slotted dataclass's own pickling sets
    each field from Python, and the build's stored notes (index/snapshot.py) took 1.8 s
    to load at 250k nodes instead of 1.1 s."""
    return type(item), tuple(getattr(item, name) for name in item.__slots__)


@dataclass(frozen=True, slots=True)
class NodeSpan:
    """One node inside a chunk, with its own lines: what a precise quote cites."""

    id: str
    text: str
    line_start: int
    line_end: int
    parents: tuple[str, ...]  # titles of the node's ancestors, root first
    topic_id: str | None = None  # XMind: where the node is, without lines

    __reduce__ = _as_fields

    @property
    def embedding_text(self) -> str:
        breadcrumb = BREADCRUMB_SEPARATOR.join(self.parents)
        return f"{breadcrumb}\n{self.text}" if breadcrumb else self.text


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str  # the id of the chunk's top node: stable while that node's path is
    branch: tuple[str, ...]  # titles from the root down to the chunk's top node
    nodes: tuple[NodeSpan, ...]  # the chunk's nodes, in outline order
    document: str  # the cited file's name
    title: str = ""  # the document's title

    __reduce__ = _as_fields

    @property
    def text(self) -> str:
        return "\n".join(node.text for node in self.nodes)

    @property
    def line_start(self) -> int:
        return min(node.line_start for node in self.nodes)

    @property
    def line_end(self) -> int:
        return max(node.line_end for node in self.nodes)

    @property
    def breadcrumb(self) -> str:
        return BREADCRUMB_SEPARATOR.join(self.branch[:-1])

    @property
    def lexical_text(self) -> str:
        """What BM25 sees: the parent's title and the text. The whole breadcrumb would
        give every node of a large branch the branch's words and drown the one node
        that has them itself (measured: hit@5 0.899 with it, 0.924 with the parent only)."""
        return f"{self.branch[-2]}\n{self.text}" if len(self.branch) > 1 else self.text

    def embedding_units(self, node_vectors: bool = True) -> list[str]:
        """Texts embedded for this chunk: the whole chunk with its breadcrumb; with
        ``node_vectors``, also each node with its breadcrumb (when there are several) and
        each node's text alone. A question may match one node precisely, and a question in
        other words matches a statement better without the titles above it (measured:
        MRR +0.01 over the tuning questions). The chunk scores its best unit."""
        return [text for text, _ in self.units(node_vectors)]

    def units(self, node_vectors: bool = True) -> list[tuple[str, str | None]]:
        """The embedded texts (``embedding_units``), each with the id of the node it is
        about (None: the whole chunk, when it has several nodes): what scores one node."""
        whole = self.nodes[0].id if len(self.nodes) == 1 else None
        units = [(self.embedding_text, whole)]
        if not node_vectors:
            return units
        if len(self.nodes) > 1:
            units += [(node.embedding_text, node.id) for node in self.nodes]
        texts = {text for text, _ in units}
        return units + [(node.text, node.id) for node in self.nodes if node.text not in texts]

    @property
    def embedding_text(self) -> str:
        """What the encoders see: the ancestors give a short node its context."""
        return f"{self.breadcrumb}\n{self.text}" if self.breadcrumb else self.text


def _span(node: Node) -> NodeSpan:
    return NodeSpan(
        node.id, node.text, node.line_start, node.line_end, node.path[:-1], node.topic_id
    )


def _fits(node: Node, max_chars: int) -> bool:
    """Whether the branch's texts fit the budget: stops reading as soon as they do not (a
    large branch is asked again for each of its children; 100k nodes: 0.8 s saved)."""
    total = 0
    for descendant in node.walk():
        total += len(descendant.text)
        if total > max_chars:
            return False
    return True


def _chunks_of(node: Node, document: Document, max_chars: int) -> list[Chunk]:
    def chunk(nodes: tuple[NodeSpan, ...]) -> Chunk:
        return Chunk(node.id, node.path, nodes, document.file, document.title)

    if not node.children or _fits(node, max_chars):
        return [chunk(tuple(_span(n) for n in node.walk()))]
    # Too large: the node alone, then each child's branch. (Keeping the first children
    # that fit with the node was measured too: hit@800c 0.886 against 0.924 on tuning.)
    chunks = [chunk((_span(node),))]
    for child in node.children:
        chunks.extend(_chunks_of(child, document, max_chars))
    return chunks


def chunk_documents(
    documents: Sequence[Document], max_chars: int = DEFAULT_MAX_CHARS
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for document in documents:
        for root in document.roots:
            chunks.extend(_chunks_of(root, document, max_chars))
    return chunks
