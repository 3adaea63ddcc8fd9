"""Standalone Markdown outlines (``.md``, ``.markdown``): ATX headings and nested lists,
the form most note-taking and mind-map tools export a tree to.

The rules, kept simple so that a file can be checked by eye against its tree:

- headings (``#`` to ``######``) nest by level; a list item nests under the nearest
  heading above it, and under the previous items by indentation (columns, a tab = 4):
  an item is the child of the nearest item above it that is less indented;
- if the file has exactly one ``#`` heading and it is the first heading, it is the
  title (not a node); otherwise the title is the file's stem;
- any other non-blank line (a paragraph, a line of a fenced code block, a quote) belongs
  to the node above it: it is appended to the node's text after a newline, without its
  indentation, and the node's lines grow to include it; such lines before the first
  node (a preamble under the title) are ignored;
- blank lines, ``<!-- -->`` comments and thematic breaks (``---``) are ignored.

Texts are kept as written, without inline Markdown parsing (``*``, ``[..](..)`` stay),
so that a quote can be found again in the file; only the markers around them go: a
heading's ``#`` and its optional closing ``#`` sequence, a list marker, and the spaces
around the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag_territoires.corpus.model import MAX_NODE_DEPTH, ReadDocument, ReadNode
from rag_territoires.corpus.readers.files import read_lines
from rag_territoires.errors import SourceFileError

# Only a line's opening marker is matched by a pattern; the text after it is cut with
# string methods. Patterns that also matched the text and its optional closing sequence
# (a lazy ``.*?`` before ``[ \t]*$``) tried the tail at every position of the text: a
# line of blanks took seconds per 10 KB, quadratic in the line's length.
_HEADING = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_ITEM = re.compile(r"([ \t]*)(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")

Line = tuple[str, int, str, int]  # kind ("heading", "item", "text"), level or indent, text, line


def _without_closing_hashes(text: str) -> str:
    """A heading's text without its optional closing ``#`` sequence, which must follow a
    blank (``## C#`` keeps its ``#``) or be all there is (``# #`` is an empty heading)."""
    bare = text.rstrip("#")
    if bare == text or (bare and bare[-1] not in " \t"):
        return text
    return bare.rstrip(" \t")


def _tokens(lines: list[str], path: Path) -> list[Line]:
    tokens: list[Line] = []
    comment = fence = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if comment or (stripped.startswith("<!--") and not fence):
            comment = "-->" not in stripped
            continue
        if _FENCE.match(line):
            fence = not fence
        if fence or _FENCE.match(line):
            tokens.append(("text", 0, stripped, number))
        elif not stripped or _BREAK.match(line):
            continue
        elif heading := _HEADING.match(line):
            text = _without_closing_hashes(line[heading.end() :].strip(" \t"))
            tokens.append(("heading", len(heading[1]), text, number))
        elif item := _ITEM.match(line):
            text = line[item.end() :].strip(" \t")
            tokens.append(("item", len(item[1].expandtabs(4)), text, number))
        else:
            tokens.append(("text", 0, stripped, number))
        if tokens[-1][0] != "text" and not tokens[-1][2].strip():
            kind = "heading" if tokens[-1][0] == "heading" else "list item"
            raise SourceFileError(path, number, f"empty {kind}")
    if comment:
        raise SourceFileError(path, len(lines), "unclosed <!-- comment")
    return tokens


class MarkdownReader:
    format = "markdown"
    suffixes = (".md", ".markdown")

    def read(self, path: Path) -> ReadDocument:
        lines = read_lines(path)
        if lines:
            lines[0] = lines[0].removeprefix("\ufeff")
        tokens = _tokens(lines, path)
        headings = [token for token in tokens if token[0] == "heading"]
        title = path.stem
        if [h[1] for h in headings].count(1) == 1 and headings[0][1] == 1:
            title = headings[0][2]
            tokens.remove(headings[0])
        roots: list[ReadNode] = []
        sections: list[tuple[int, ReadNode]] = []  # the open headings, by level
        items: list[tuple[int, ReadNode]] = []  # the open list items, by indentation
        last: ReadNode | None = None  # the node that paragraph text belongs to
        texts: list[str] = []  # its lines, joined once it is complete: appending to its
        # text line by line copied the text each time, quadratic in a paragraph's length
        for kind, level, text, number in tokens:
            if kind == "text":
                if last is not None:
                    texts.append(text)
                    last.line_end = number
                continue
            _join(last, texts)
            node = ReadNode(text, number, number)
            if kind == "heading":
                items.clear()
                while sections and sections[-1][0] >= level:
                    sections.pop()
                parents = sections
            else:
                while items and items[-1][0] >= level:
                    items.pop()
                parents = items if items else sections
            if len(sections) + len(items) >= MAX_NODE_DEPTH:
                raise SourceFileError(path, number, f"nodes nested more than {MAX_NODE_DEPTH} deep")
            (parents[-1][1].children if parents else roots).append(node)
            (sections if kind == "heading" else items).append((level, node))
            last, texts = node, [text]
        _join(last, texts)
        if not roots:
            raise SourceFileError(path, 0, "no heading nor list item: the map is empty")
        return ReadDocument(title, self.format, roots, lines, (path,))


def _join(node: ReadNode | None, texts: list[str]) -> None:
    if node is not None and len(texts) > 1:
        node.text = "\n".join(texts)
