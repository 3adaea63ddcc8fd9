"""The corpus: every document of the corpus folder, their nodes and their chunks.

The one place that answers "which node is this id", "which chunk holds it",
"what is this document's tree" and "what are these lines of the original": the
search, the answers, the API and the evaluation all ask here.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rag_territoires.corpus.access import Access, is_sidecar, read_access
from rag_territoires.corpus.chunks import DEFAULT_MAX_CHARS, Chunk, chunk_documents
from rag_territoires.corpus.file_checks import check_folder
from rag_territoires.corpus.model import MAX_NODE_DEPTH, Document, Node, make_document, too_deep
from rag_territoires.corpus.readers import is_companion, reader_for
from rag_territoires.errors import CorpusError, SourceFileError, UnknownDocument

MAX_LINES = 1000  # per request for lines of an original: a citation spans a few


class NodeLookup(Protocol):
    """What the search and the answers ask of the corpus: a ``Corpus``, or the part one
    caller may see (``visible.VisibleCorpus``)."""

    def node(self, node_id: str) -> Node | None: ...

    def chunk_of_node(self, node_id: str) -> Chunk: ...


@dataclass(eq=False)
class Corpus:
    documents: list[Document]
    max_chars: int = DEFAULT_MAX_CHARS
    # the restricted maps' groups, by file name (corpus/access.py); empty: all public
    access: Access = field(default_factory=dict)
    chunks: list[Chunk] = field(init=False)

    def __post_init__(self) -> None:
        self._by_name: dict[str, Document] = {}
        for document in self.documents:
            if document.id in self._by_name:
                other = self._by_name[document.id].file
                raise CorpusError(
                    f"{document.file} and {other} are the same document ({document.id}): "
                    "keep one of them"
                )
            self._by_name[document.id] = self._by_name[document.file] = document
        self._nodes = {node.id: node for document in self.documents for node in document.nodes()}
        self.chunks = chunk_documents(self.documents, self.max_chars)
        self._chunk_of_node = {span.id: c for c in self.chunks for span in c.nodes}
        self._passages = Counter(chunk.document for chunk in self.chunks)

    @classmethod
    def load(cls, folder: Path, max_chars: int = DEFAULT_MAX_CHARS) -> Corpus:
        """Every document file of ``folder`` (not its subfolders), in name order."""
        if not folder.is_dir():
            raise CorpusError(f"no corpus folder {folder}")
        check_folder(folder)  # no link, FIFO or unsafe name: refused, never read
        files = sorted(p for p in folder.iterdir() if is_document_file(p))
        if not files:
            raise CorpusError(f"no document in {folder}: add one with `rag-territoires add FILE`")
        documents = [read_document(path) for path in files]
        return cls(documents, max_chars, read_access(folder, [d.file for d in documents]))

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for document in self.documents:
            digest.update(f"{document.id}\x1f{document.fingerprint}\x1e".encode())
        for file, groups in sorted(self.access.items()):  # none: the fingerprint as before
            digest.update(f"access\x1f{file}\x1f{sorted(groups)}\x1e".encode())
        return digest.hexdigest()[:16]

    def document(self, name: str) -> Document:
        """By id or by file name."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownDocument(f"no document named {name!r}") from None

    def nodes(self) -> Iterator[Node]:
        """Every node, document after document, each in its map's order."""
        return iter(self._nodes.values())

    def by_id(self) -> dict[str, Node]:
        return self._nodes

    def passage_count(self, document: Document) -> int:
        return self._passages[document.file]

    def node(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    def chunk_of_node(self, node_id: str) -> Chunk:
        return self._chunk_of_node[node_id]

    def tree(self, name: str) -> list[Node]:
        return self.document(name).roots

    def lines(self, name: str, start: int, end: int) -> list[str]:
        """Lines ``start``-``end`` (1-based, inclusive) of the document's cited file."""
        lines = self.document(name).lines
        if start < 1 or end < start or end > len(lines):
            raise ValueError(f"lines {start}-{end} are outside the document (lines 1-{len(lines)})")
        if end - start + 1 > MAX_LINES:
            raise ValueError(f"at most {MAX_LINES} lines per request")
        return lines[start - 1 : end]


def is_document_file(path: Path) -> bool:
    return (
        path.is_file()
        and not path.name.startswith(".")
        and not is_companion(path)
        and not is_sidecar(path)
    )


def read_document(path: Path) -> Document:
    read = reader_for(path).read(path)
    # each reader stops at the limit as it goes; this holds it for any reader, whatever
    # its notion of depth (a map with several top nodes and no central topic)
    deepest = too_deep(read.roots)
    if deepest is not None:
        where = deepest.topic_id or deepest.line_start
        raise SourceFileError(path, where, f"nodes nested more than {MAX_NODE_DEPTH} deep")
    return make_document(read, path)
