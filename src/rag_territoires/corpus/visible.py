"""The corpus as one caller may browse it: without the maps restricted to groups it is not
in (corpus/access.py). A hidden map is answered exactly as a map that does not exist:
the same ``UnknownDocument`` message, no passage, no node."""

from __future__ import annotations

from dataclasses import dataclass

from rag_territoires.corpus.chunks import Chunk
from rag_territoires.corpus.corpus import Corpus
from rag_territoires.corpus.model import Document, Node
from rag_territoires.errors import UnknownDocument


@dataclass(frozen=True)
class VisibleCorpus:
    corpus: Corpus
    hidden: frozenset[str]  # the file names of the maps this caller may not see

    @property
    def documents(self) -> list[Document]:
        if not self.hidden:
            return self.corpus.documents
        return [d for d in self.corpus.documents if d.file not in self.hidden]

    def document(self, name: str) -> Document:
        document = self.corpus.document(name)
        if document.file in self.hidden:
            raise UnknownDocument(f"no document named {name!r}")  # as for an unknown name
        return document

    def passage_count(self, document: Document) -> int:
        return self.corpus.passage_count(document)

    def node(self, node_id: str) -> Node | None:
        node = self.corpus.node(node_id)
        if node is None or not self.hidden:
            return node
        return None if self.corpus.chunk_of_node(node_id).document in self.hidden else node

    def chunk_of_node(self, node_id: str) -> Chunk:
        return self.corpus.chunk_of_node(node_id)

    def lines(self, name: str, start: int, end: int) -> list[str]:
        self.document(name)
        return self.corpus.lines(name, start, end)
