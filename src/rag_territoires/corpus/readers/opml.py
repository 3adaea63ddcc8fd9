"""OPML 2.0 outlines (``.opml``), the exchange format most outliners and mind-map tools
export: ``<body>`` holds ``<outline text="...">`` elements nested as the tree.

Each node is cited by the line of its ``<outline>`` start tag, whose ``text`` attribute
holds the node's text (XML-escaped), so a quote can be found on that line; its ``_note``
attribute (the note outliners write) is part of the node, on the same line.
"""

from __future__ import annotations

from pathlib import Path

from rag_territoires.corpus.model import MAX_NODE_DEPTH, ReadDocument, ReadNode, fold_note
from rag_territoires.corpus.readers.files import read_bytes
from rag_territoires.corpus.readers.xml_safety import Element, parse_xml
from rag_territoires.errors import SourceFileError


class OpmlReader:
    """``<opml><head><title>`` is the title (else the file's stem), each ``<body>/<outline>``
    a root. Elements other than ``<outline>`` inside the body are ignored."""

    format = "opml"
    suffixes = (".opml",)

    def read(self, path: Path) -> ReadDocument:
        xml = parse_xml(read_bytes(path), path)
        if xml.root.tag != "opml":
            raise SourceFileError(
                path, xml.root.line, f"not an OPML file: the root element is <{xml.root.tag}>"
            )
        body = xml.root.find("body")
        if body is None:
            raise SourceFileError(path, xml.root.line, "no <body> in <opml>")
        head = xml.root.find("head")
        title_element = head.find("title") if head is not None else None
        title = title_element.text().strip() if title_element is not None else ""
        roots = [_node(e, path, 0) for e in body.children if e.tag == "outline"]
        if not roots:
            raise SourceFileError(path, body.line, "no <outline> in <body>: the map is empty")
        return ReadDocument(title or path.stem, self.format, roots, xml.lines, (path,))


def _node(element: Element, path: Path, depth: int) -> ReadNode:
    if depth >= MAX_NODE_DEPTH:
        raise SourceFileError(path, element.line, f"nodes nested more than {MAX_NODE_DEPTH} deep")
    text = element.attrs.get("text", "")
    if not text.strip():
        raise SourceFileError(path, element.line, '<outline> without a "text" attribute')
    children = [_node(e, path, depth + 1) for e in element.children if e.tag == "outline"]
    note = fold_note(element.attrs.get("_note", ""))
    return ReadNode(text, element.line, element.line, children, note=note)
