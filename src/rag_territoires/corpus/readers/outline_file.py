"""The hand-made outline of a text export (``X.outline.md``): a flat list of
(depth, text, line) that ``text_export.py`` matches against the export's nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rag_territoires.corpus.model import MAX_NODE_DEPTH
from rag_territoires.corpus.readers.files import read_lines
from rag_territoires.errors import SourceFileError


@dataclass(frozen=True)
class OutlineItem:
    depth: int  # 0 for a root node
    text: str
    line: int  # 1-based line in the outline file, for error messages


_ITEM = re.compile(r"^(?P<indent> *)- (?P<text>.*)$")


INDENT = 2


def read_outline(path: Path) -> tuple[str | None, list[OutlineItem]]:
    """The title (the first ``# `` heading) and the items of an indented Markdown list:
    ``- text``, two spaces per level.

    Headings, blank lines and ``<!-- ... -->`` comments are notes for the person editing
    the file and are ignored; anything else is an error.
    """
    title = None
    items: list[OutlineItem] = []
    in_comment = False
    for number, line in enumerate(read_lines(path), start=1):
        stripped = line.strip()
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if not stripped or (stripped.startswith("#") and not line.startswith(" ")):
            if title is None and line.startswith("# "):
                title = line[2:].strip() or None
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise SourceFileError(path, number, "indent with spaces, not tabs")
        match = _ITEM.match(line)
        if not match:
            raise SourceFileError(path, number, 'expected a list item "- text"')
        spaces = len(match["indent"])
        if spaces % INDENT:
            raise SourceFileError(
                path,
                number,
                f"indentation of {spaces} spaces is not a multiple of {INDENT}",
            )
        depth = spaces // INDENT
        previous = items[-1].depth if items else -1
        if depth > previous + 1:
            raise SourceFileError(
                path, number, "indented more than one level below the previous item"
            )
        if depth >= MAX_NODE_DEPTH:
            raise SourceFileError(path, number, f"nodes nested more than {MAX_NODE_DEPTH} deep")
        text = match["text"]
        if not text.strip():
            raise SourceFileError(path, number, "empty list item")
        items.append(OutlineItem(depth, text, number))
    if in_comment:
        raise SourceFileError(path, len(items) and items[-1].line, "unclosed <!-- comment")
    return title, items
