"""FreeMind and Freeplane maps (``.mm``): ``<map>`` holds one central ``<node>`` whose
nested ``<node>`` elements are the branches.

A mind map has one central topic: it names the map, so it is the document's title and
its children are the roots (the text export of the seminar's map has no central topic,
only its eight branches, and the same map in this format must give the same tree).
A node's text is its ``TEXT`` attribute or, in Freeplane, its rich HTML text
(``<richcontent TYPE="NODE">``, whitespace collapsed). Its note and details
(``<richcontent TYPE="NOTE">`` and ``TYPE="DETAILS"``, where staff write their longer
text) are part of the node; icons, attributes, links and the like are ignored. Each node
is cited from the line of its start tag to the last line of its note.
"""

from __future__ import annotations

from pathlib import Path

from rag_territoires.corpus.model import (
    MAX_NODE_DEPTH,
    ReadDocument,
    ReadNode,
    central_topic_roots,
    fold_note,
)
from rag_territoires.corpus.readers.files import read_bytes
from rag_territoires.corpus.readers.xml_safety import Element, parse_xml
from rag_territoires.errors import SourceFileError


class FreeMindReader:
    """One central node: the title, its children the roots. Several top-level nodes (not
    what FreeMind writes): each is a root and the title is the file's stem."""

    format = "freemind"
    suffixes = (".mm",)

    def read(self, path: Path) -> ReadDocument:
        xml = parse_xml(read_bytes(path), path)
        if xml.root.tag != "map":
            raise SourceFileError(
                path, xml.root.line, f"not a FreeMind map: the root element is <{xml.root.tag}>"
            )
        elements = [e for e in xml.root.children if e.tag == "node"]
        # the depth of a node is its level in the document: a central topic is the title
        # (level 0), several top nodes are roots (level 1)
        top_level = 0 if len(elements) == 1 else 1
        tops = [_node(e, path, top_level) for e in elements]
        if len(tops) == 1:
            title, roots = tops[0].text, central_topic_roots(tops[0])
        else:
            title, roots = path.stem, tops
        if not roots:
            raise SourceFileError(path, xml.root.line, "no node under the central topic")
        return ReadDocument(title, self.format, roots, xml.lines, (path,))


def _text(element: Element) -> str:
    text = element.attrs.get("TEXT", "")
    if text.strip():
        return text
    for child in element.children:
        if _rich_type(child) == "NODE":
            return " ".join(child.text().split())
    return ""


def _node(element: Element, path: Path, depth: int) -> ReadNode:
    if depth > MAX_NODE_DEPTH:
        raise SourceFileError(path, element.line, f"nodes nested more than {MAX_NODE_DEPTH} deep")
    text = _text(element)
    if not text:
        raise SourceFileError(
            path, element.line, '<node> without text (no "TEXT" attribute nor rich text)'
        )
    children = [_node(e, path, depth + 1) for e in element.children if e.tag == "node"]
    notes = [e for e in element.children if _rich_type(e) in {"DETAILS", "NOTE"}]
    note = fold_note(" ".join(e.text() for e in notes))
    end = max((_last_line(e) for e in notes), default=element.line)
    return ReadNode(text, element.line, end, children, note=note)


def _rich_type(element: Element) -> str:
    return element.attrs.get("TYPE", "").upper() if element.tag == "richcontent" else ""


def _last_line(element: Element) -> int:
    """The line of the last start tag inside (a paragraph of a note lies on one line)."""
    last = element.line
    stack = [element]
    while stack:
        item = stack.pop()
        last = max(last, item.line)
        stack.extend(item.children)
    return last
