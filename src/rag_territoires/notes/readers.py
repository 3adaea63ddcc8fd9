"""Outline readers: each turns one file format into a flat list of (depth, text, line).

Adding a format (OPML, FreeMind .mm) means adding one class with ``suffixes``
and ``read`` and listing it in ``READERS``; verification against the export and
everything downstream stays the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag_territoires.errors import OutlineError
from rag_territoires.notes.export import read_text, split_lines


@dataclass(frozen=True)
class OutlineItem:
    depth: int  # 0 for a root node
    text: str
    line: int  # 1-based line in the outline file, for error messages


class OutlineReader(Protocol):
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> list[OutlineItem]: ...


_ITEM = re.compile(r"^(?P<indent> *)- (?P<text>.*)$")


class MarkdownOutlineReader:
    """An indented Markdown list: ``- text``, two spaces per level.

    Headings (``#``), blank lines and ``<!-- ... -->`` comments are notes for
    the person editing the file and are ignored; anything else is an error.
    """

    suffixes = (".md", ".markdown")
    indent = 2

    def read(self, path: Path) -> list[OutlineItem]:
        items: list[OutlineItem] = []
        in_comment = False
        for number, line in enumerate(split_lines(read_text(path)), start=1):
            stripped = line.strip()
            if in_comment or stripped.startswith("<!--"):
                in_comment = "-->" not in stripped
                continue
            if not stripped or (stripped.startswith("#") and not line.startswith(" ")):
                continue
            if "\t" in line[: len(line) - len(line.lstrip())]:
                raise OutlineError(path, number, "indent with spaces, not tabs")
            match = _ITEM.match(line)
            if not match:
                raise OutlineError(path, number, 'expected a list item "- text"')
            spaces = len(match["indent"])
            if spaces % self.indent:
                raise OutlineError(
                    path,
                    number,
                    f"indentation of {spaces} spaces is not a multiple of {self.indent}",
                )
            depth = spaces // self.indent
            previous = items[-1].depth if items else -1
            if depth > previous + 1:
                raise OutlineError(
                    path, number, "indented more than one level below the previous item"
                )
            text = match["text"]
            if not text.strip():
                raise OutlineError(path, number, "empty list item")
            items.append(OutlineItem(depth, text, number))
        if in_comment:
            raise OutlineError(path, len(items) and items[-1].line, "unclosed <!-- comment")
        return items


READERS: tuple[OutlineReader, ...] = (MarkdownOutlineReader(),)


def reader_for(path: Path) -> OutlineReader:
    for reader in READERS:
        if path.suffix.lower() in reader.suffixes:
            return reader
    known = ", ".join(s for r in READERS for s in r.suffixes)
    raise OutlineError(path, 0, f"no outline reader for {path.suffix!r} files (known: {known})")
