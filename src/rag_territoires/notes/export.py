"""Parse the mind map's plain-text export into nodes with their line spans.

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

from dataclasses import dataclass
from pathlib import Path

from rag_territoires.errors import CorpusError


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


def read_text(path: Path) -> str:
    """Read a UTF-8 file, or fail with a message naming the file and the bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {exc.start} (line {line}): {exc.reason}"
        ) from exc


def split_lines(text: str) -> list[str]:
    """Split on newlines only (not on the other separators ``str.splitlines`` knows)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def parse_export(path: Path) -> list[ExportNode]:
    return parse_export_lines(split_lines(read_text(path)))
