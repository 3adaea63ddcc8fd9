"""Documents and their nodes: one mind map each, whatever file format it came in.

A reader (``corpus/readers/``) turns a file into a ``ReadDocument``: a tree of
``ReadNode`` with each node's exact text and where it lies in the file.
``make_document`` gives the nodes their ids, which include the document's id, so
two maps may share a branch title and still be told apart.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

DOCUMENT_SEPARATOR = ":"  # between a document's id and a node's own id
# Nodes within nodes (levels of a document's tree): the rest of the pipeline walks trees
# recursively (ids, chunks, the stored snapshot, the API's tree, whose JSON encoder stops
# at 255 levels), so every reader refuses a deeper map rather than let it crash later.
MAX_NODE_DEPTH = 100


@dataclass
class ReadNode:
    """One node as a reader found it: its text and its place in the file."""

    text: str
    line_start: int  # 1-based lines of the cited file (inclusive)
    line_end: int
    children: list[ReadNode] = field(default_factory=list)
    topic_id: str | None = None  # XMind: the topic's own id, a location that needs no lines
    # The tool's note on the node (OPML ``_note``, XMind notes, Freeplane NOTE and DETAILS),
    # whitespace folded: staff write their longer text there. It is part of the node's
    # text (searched, quoted, cited within the node's lines) but not of its path, so a
    # node keeps its id when its note is edited.
    note: str = ""

    @property
    def full_text(self) -> str:
        return f"{self.text}\n{self.note}" if self.note else self.text


@dataclass
class ReadDocument:
    title: str
    format: str  # "text", "markdown", "opml", "freemind", "xmind"
    roots: list[ReadNode]
    lines: list[str]  # the cited file's lines, as a citation check shows them
    files: tuple[Path, ...]  # every file read, for the fingerprint


def too_deep(roots: list[ReadNode]) -> ReadNode | None:
    """The first node found below ``MAX_NODE_DEPTH`` levels, or None (without recursion:
    the tree may be as deep as a reader let it be)."""
    stack = [(node, 1) for node in roots]
    while stack:
        node, level = stack.pop()
        if level > MAX_NODE_DEPTH:
            return node
        stack.extend((child, level + 1) for child in node.children)
    return None


class DocumentReader(Protocol):
    format: str
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> ReadDocument: ...


# slots: a large corpus holds hundreds of thousands of nodes and chunks; without a dict
# each, 250k nodes parse in 3.9 s instead of 4.8 s, and their stored copy
# (index/snapshot.py) loads in 440 MB instead of 550 MB. A weak reference is allowed: the
# reload tests follow a node to see a replaced build freed
@dataclass(eq=False, slots=True, weakref_slot=True)
class Node:
    id: str
    text: str
    path: tuple[str, ...]  # texts from the root down to this node, itself included
    line_start: int
    line_end: int
    parent: Node | None = field(default=None, repr=False)
    children: list[Node] = field(default_factory=list, repr=False)
    topic_id: str | None = None

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, in the map's order (with a stack, not nested
        generators: a deep map would pay one generator per level for every node)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(eq=False)
class Document:
    id: str  # from the file's name: the prefix of its node ids
    file: str  # the cited file's name in the corpus folder
    title: str
    format: str
    roots: list[Node]
    lines: list[str] = field(repr=False)
    fingerprint: str  # hash of the files read, to detect stale indexes

    def nodes(self) -> Iterator[Node]:
        for root in self.roots:
            yield from root.walk()

    @property
    def node_count(self) -> int:
        return sum(1 for _ in self.nodes())

    def by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes()}


def central_topic_roots(central: ReadNode) -> list[ReadNode]:
    """The roots under a map's central topic, which names the map (its title). A note on
    the central topic (the event's description, often) is kept as a first root: the
    central topic with its note, without its children."""
    if not central.note:
        return central.children
    alone = ReadNode(central.text, central.line_start, central.line_end, note=central.note)
    return [alone, *central.children]


def fold_note(text: str) -> str:
    """A note as one line: the tools wrap and indent it as they like (HTML paragraphs,
    ``&#10;``), and a quote must read the same whatever the tool."""
    return " ".join(text.split())


def slugify(text: str, max_length: int = 40) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "node"


def document_id(path: Path) -> str:
    """The id of the document a file holds: its name without the format's suffix, so the
    same map in another format keeps its node ids (and its evaluation questions)."""
    name = path.name.removesuffix(".outline.md")
    return slugify(name.split(".")[0], 60)


def node_id(document: str, path: tuple[str, ...]) -> str:
    """Readable and stable: depends only on the document and the node's path from the root."""
    digest = hashlib.sha1("\x1f".join(path).encode("utf-8")).hexdigest()[:8]
    return f"{document}{DOCUMENT_SEPARATOR}{slugify(path[-1])}-{digest}"


def fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def make_document(read: ReadDocument, file: Path) -> Document:
    """Give a read tree its ids (``-bis`` for a text repeated under one parent)."""
    doc_id = document_id(file)
    ids: set[str] = set()

    def build(item: ReadNode, parent: Node | None) -> Node:
        path = (*parent.path, item.text) if parent else (item.text,)
        identifier = node_id(doc_id, path)
        while identifier in ids:
            identifier += "-bis"
        ids.add(identifier)
        node = Node(
            identifier,
            item.full_text,
            path,
            item.line_start,
            item.line_end,
            parent,
            topic_id=item.topic_id,
        )
        node.children = [build(child, node) for child in item.children]
        return node

    roots = [build(root, None) for root in read.roots]
    return Document(
        doc_id, file.name, read.title, read.format, roots, read.lines, fingerprint(*read.files)
    )
