"""The outline: the export's nodes put back into their mind-map hierarchy.

The hierarchy lives in a hand-editable outline file; the texts and line spans
come from the raw export. ``load_outline`` checks that the two agree exactly:
every export node appears once in the outline with the same text, and the
outline has nothing the export lacks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rag_territoires.errors import CorpusError, OutlineError
from rag_territoires.notes.export import ExportNode, parse_export
from rag_territoires.notes.readers import OutlineItem, reader_for


@dataclass(eq=False)
class Node:
    id: str
    text: str
    path: tuple[str, ...]  # texts from the root down to this node, itself included
    line_start: int
    line_end: int
    parent: Node | None = field(default=None, repr=False)
    children: list[Node] = field(default_factory=list, repr=False)

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, in outline order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    document: str  # file name of the raw export, as cited in sources
    roots: list[Node]
    fingerprint: str  # hash of the export and the outline, to detect stale indexes

    def nodes(self) -> Iterator[Node]:
        for root in self.roots:
            yield from root.walk()

    def by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes()}


def slugify(text: str, max_length: int = 40) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "node"


def node_id(path: tuple[str, ...]) -> str:
    """Readable and stable: depends only on the node's own path from the root."""
    digest = hashlib.sha1("\x1f".join(path).encode("utf-8")).hexdigest()[:8]
    return f"{slugify(path[-1])}-{digest}"


def _match_spans(
    items: list[OutlineItem], export: list[ExportNode], outline_path: Path, export_path: Path
) -> list[ExportNode]:
    """Pair each outline item with the export node of the same text (in order for repeats)."""
    available: dict[str, deque[ExportNode]] = defaultdict(deque)
    for node in export:
        available[node.text].append(node)
    seen: dict[str, int] = {}
    matched: list[ExportNode] = []
    for item in items:
        queue = available.get(item.text)
        if not queue:
            if item.text in seen:
                raise OutlineError(
                    outline_path, item.line, f"duplicate node (already on line {seen[item.text]})"
                )
            raise OutlineError(
                outline_path, item.line, f"node not found in {export_path.name}: {item.text!r}"
            )
        seen.setdefault(item.text, item.line)
        matched.append(queue.popleft())
    missing = [node for queue in available.values() for node in queue]
    if missing:
        first = min(missing, key=lambda n: n.line_start)
        raise CorpusError(
            f"{outline_path}: {len(missing)} node(s) of {export_path.name} are missing from the "
            f"outline, first at line {first.line_start} of the export: {first.text!r}"
        )
    return matched


def build_outline(
    items: list[OutlineItem], export: list[ExportNode], outline_path: Path, export_path: Path
) -> list[Node]:
    spans = _match_spans(items, export, outline_path, export_path)
    roots: list[Node] = []
    stack: list[Node] = []
    ids: set[str] = set()
    for item, span in zip(items, spans, strict=True):
        del stack[item.depth :]
        parent = stack[-1] if stack else None
        path = (*parent.path, item.text) if parent else (item.text,)
        identifier = node_id(path)
        while identifier in ids:  # same text twice under one parent: keep ids unique
            identifier += "-bis"
        ids.add(identifier)
        node = Node(identifier, item.text, path, span.line_start, span.line_end, parent)
        (parent.children if parent else roots).append(node)
        stack.append(node)
    return roots


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_outline(export_path: Path, outline_path: Path) -> Outline:
    export = parse_export(export_path)
    items = reader_for(outline_path).read(outline_path)
    roots = build_outline(items, export, outline_path, export_path)
    return Outline(export_path.name, roots, _fingerprint(export_path, outline_path))
