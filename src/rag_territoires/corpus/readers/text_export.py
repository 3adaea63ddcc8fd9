"""The mind map's plain-text export, with its hand-made outline beside it (``X.txt`` and
``X.outline.md``): the export has every node's text and lines, the outline the hierarchy.

The export lost the hierarchy but kept every node's text, wrapped over several
visual lines. Its rules, observed in the seminar's export:

- each visual line is followed by a blank line (except at a few page breaks,
  where two lines follow each other directly: blank lines carry no meaning);
- a line that ends with a space continues on the next non-blank line;
- a line that ends with a hyphen continues too (``socio-`` + ``écosystèmes``).

Joining is plain concatenation, so a node's text keeps its spaces exactly as
exported (double spaces and typos included): quotes built from it can be found
again in the raw file.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from rag_territoires.corpus.model import ReadDocument, ReadNode
from rag_territoires.corpus.readers.files import read_lines
from rag_territoires.corpus.readers.outline_file import OutlineItem, read_outline
from rag_territoires.errors import CorpusError, SourceFileError

OUTLINE_SUFFIX = ".outline.md"


@dataclass(frozen=True)
class ExportNode:
    """One node of the export: its joined text and where it lies (1-based, inclusive)."""

    text: str
    line_start: int
    line_end: int


def _continues(line: str) -> bool:
    return line.endswith((" ", "-"))


def parse_export_lines(lines: list[str], first_line: int = 1) -> list[ExportNode]:
    """Join visual lines into nodes. ``lines`` carry no line terminators."""
    nodes: list[ExportNode] = []
    parts: list[str] = []
    start = 0
    last = 0
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        if not parts:
            start = number
        parts.append(line)
        last = number
        if not _continues(line):
            nodes.append(ExportNode("".join(parts), start, number))
            parts = []
    if parts:  # the file ended on a continued line: keep what is there
        nodes.append(ExportNode("".join(parts).rstrip(), start, last))
    return nodes


def parse_export(path: Path) -> list[ExportNode]:
    return parse_export_lines(read_lines(path))


def outline_of(export_path: Path) -> Path:
    return export_path.with_name(export_path.stem + OUTLINE_SUFFIX)


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
                raise SourceFileError(
                    outline_path, item.line, f"duplicate node (already on line {seen[item.text]})"
                )
            raise SourceFileError(
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


class TextExportReader:
    """``X.txt`` (the export) with ``X.outline.md`` beside it; the export's lines are cited.
    The two must agree exactly: every export node once in the outline with the same text,
    and nothing in the outline that the export lacks. The export's first node may be the
    map's central topic, which the outline gives as its ``#`` title."""

    format = "text"
    suffixes = (".txt",)

    def read(self, path: Path) -> ReadDocument:
        outline_path = outline_of(path)
        if not outline_path.is_file():
            raise SourceFileError(path, 0, f"no outline beside it (expected {outline_path.name})")
        lines = read_lines(path)
        export = parse_export_lines(lines)
        title, items = read_outline(outline_path)
        if export and title and export[0].text == title and all(i.text != title for i in items):
            # most tools export the central topic first: the outline names it as its title
            export = export[1:]
        spans = _match_spans(items, export, outline_path, path)
        roots: list[ReadNode] = []
        stack: list[ReadNode] = []
        for item, span in zip(items, spans, strict=True):
            del stack[item.depth :]
            node = ReadNode(item.text, span.line_start, span.line_end)
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        files = (path, outline_path)
        return ReadDocument(title or path.stem, self.format, roots, lines, files)
