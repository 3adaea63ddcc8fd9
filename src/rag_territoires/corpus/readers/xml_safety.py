"""Parsing XML from a document's file safely, keeping each element's line for citations.

A map file comes from anyone, so the parser refuses what XML attacks need: any DTD
(entity declarations make the "billion laughs", external entities read local files or
URLs). Expat is used directly (as defusedxml does) because ElementTree drops line
numbers. The bytes are decoded here, with the encoding the file declares, so bytes that
do not match it give a clear error, and the decoded lines are what citations show.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from rag_territoires.corpus.readers.files import refuse_nul, split_lines
from rag_territoires.errors import SourceFileError

# Elements within elements; far beyond any real map, well within Python's recursion limit
# for the readers that walk the tree.
MAX_ELEMENT_DEPTH = 500

_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_TEXT = {"head", "style", "script"}  # in rich HTML text: not what the reader sees


@dataclass
class Element:
    tag: str  # the local name: namespace prefixes are dropped
    attrs: dict[str, str]
    line: int  # the line of the start tag
    content: list[str | Element] = field(default_factory=list)  # text and children, in order

    @property
    def children(self) -> list[Element]:
        return [item for item in self.content if isinstance(item, Element)]

    def find(self, tag: str) -> Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def itertext(self) -> Iterator[str]:
        """The text inside, a space after each HTML block so paragraphs do not run together.
        With a stack: nested generators passed each piece up through every level, a
        20 MB rich text 500 elements deep took minutes."""
        stack: list[str | Element] = list(reversed(self.content))
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                yield item
            elif item.tag.lower() not in _NOT_TEXT:
                if item.tag.lower() in _BLOCKS:
                    stack.append(" ")  # after the block's own content, pushed next
                stack.extend(reversed(item.content))

    def text(self) -> str:
        return "".join(self.itertext())


@dataclass
class XmlDocument:
    root: Element
    lines: list[str]  # the decoded file's lines


def _encoding(data: bytes) -> tuple[str, str]:
    """The encoding to decode with, and where it comes from (for the error message)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "its byte order mark says UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "its byte order mark says UTF-16"
    declared = _DECLARED.match(data[:200])
    if declared:
        name = declared[1].decode("ascii")
        return name, f"the file declares {name}"
    return "utf-8", "the file declares no encoding, so UTF-8"


def _place(member: str | None, line: int) -> int | str:
    return f"{member}:{line}" if member else line


def _decode(data: bytes, path: Path, member: str | None) -> str:
    name, origin = _encoding(data)
    try:
        text = data.decode(name).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = f"byte {exc.start} is not valid {name}: {origin}"
        raise SourceFileError(path, _place(member, line), reason) from None
    except (LookupError, UnicodeError, ValueError, TypeError):  # unknown or not a text codec
        raise SourceFileError(path, _place(member, 1), f"unknown encoding {name!r}") from None
    refuse_nul(text, path, member)  # expat, given a str, lets NUL through
    return text


def parse_xml(data: bytes, path: Path, member: str | None = None) -> XmlDocument:
    """Parse ``data`` (the file ``path``, or its zip ``member``) or raise ``SourceFileError``
    located at ``line`` (or ``member:line``)."""
    text = _decode(data, path, member)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[Element] = []  # the open elements
    root: list[Element] = []

    def refuse(*_: object) -> None:
        reason = "DTDs and entity declarations are refused (they can expand or read files)"
        raise SourceFileError(path, _place(member, parser.CurrentLineNumber), reason)

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_ELEMENT_DEPTH:
            reason = f"elements nested more than {MAX_ELEMENT_DEPTH} deep"
            raise SourceFileError(path, _place(member, parser.CurrentLineNumber), reason)
        element = Element(name.rsplit(":", 1)[-1], attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].content.append(element)
        stack.append(element)

    def end(_: str) -> None:
        element = stack.pop()
        if not stack:
            root.append(element)

    def characters(data: str) -> None:
        if stack:
            stack[-1].content.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(text, True)  # a str: expat reads it as UTF-8 whatever the declaration
    except expat.ExpatError as exc:
        reason = f"not well-formed XML: {expat.ErrorString(exc.code)} (column {exc.offset + 1})"
        raise SourceFileError(path, _place(member, exc.lineno), reason) from None
    return XmlDocument(root[0], split_lines(text))
