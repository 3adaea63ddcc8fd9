"""Turning API data into safe page content: escaped Markdown, the branch map in DOT.

Text from the notes or from a user is always shown as text: every Markdown or
Streamlit directive character is escaped, and Streamlit never renders HTML here.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from typing import Any

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=:$&])")
_HEADING = re.compile(r"^\*\*(.+)\*\*$")
_QUOTE = re.compile(r"^( *)- (.*) \[(\d+)\]$")  # indented: a sub-branch's quote
MAP_LINE_CHARS = 24  # the branch map wraps labels, so it fits a phone's frame legibly
MAP_LINES = 4


def escape(text: str) -> str:
    """Backslash-escape Markdown and Streamlit directive characters (CommonMark allows
    escaping any ASCII punctuation), so notes like "==> AAP" or "*" show as written."""
    return _SPECIAL.sub(r"\\\1", text)


def safe_answer_line(line: str) -> str:
    """One line of the API's answer as safe Markdown, keeping its own structure
    (bold branch headings, bullets ending with [n]) and escaping the notes' text."""
    body = line.rstrip("\n")
    ending = line[len(body) :]
    if match := _HEADING.match(body):
        return f"**{escape(match[1])}**{ending}"
    if match := _QUOTE.match(body):
        return f"{match[1]}- {escape(match[2])} \\[{match[3]}\\]{ending}"
    return escape(body) + ending


def safe_lead(lead: str) -> str:
    """The API's direct answer as safe Markdown: its frame's bold words stay bold (the
    label, the stressed item), every piece of the notes' text is escaped."""
    pieces = lead.split("**")
    return "".join(f"**{escape(p)}**" if i % 2 else escape(p) for i, p in enumerate(pieces))


def answer_markdown(text: str) -> str:
    return "".join(safe_answer_line(line) for line in text.splitlines(keepends=True))


_MARKER = re.compile(r"\\\[(\d+)\\\]")  # an escaped [n], as the safe Markdown holds it


def link_citations(markdown: str, links: dict[int, tuple[str, str]]) -> str:
    """Each ``[n]`` of safe Markdown made a link to its citation's anchor, titled with its
    preview (``links``: n -> (anchor, preview)); numbers not cited stay plain text."""

    def link(match: re.Match) -> str:
        n = int(match[1])
        if n not in links:
            return match[0]
        anchor, title = links[n]
        quoted = escape(" ".join(title.split())).replace('"', '\\"')
        return f'[\\[{n}\\]](#{anchor} "{quoted}")'

    return _MARKER.sub(link, markdown)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-/") + "…"


def safe_stream(pieces: Iterator[str]) -> Iterator[str]:
    for piece in pieces:
        yield safe_answer_line(piece)


def tree_index(forest: dict[str, Any]) -> tuple[dict[tuple[str, ...], dict], dict[str, dict]]:
    """Nodes by their document and path of titles, and each node's parent by node id."""
    by_path: dict[tuple[str, ...], dict] = {}
    parent: dict[str, dict] = {}

    def walk(node: dict, path: tuple[str, ...]) -> None:
        here = (*path, node["text"])
        by_path[here] = node
        for child in node["children"]:
            parent[child["id"]] = node
            walk(child, here)

    for tree in forest["documents"]:
        for root in tree["roots"]:
            walk(root, (tree["document"],))
    return by_path, parent


def _label(text: str, numbers: list[int]) -> str:
    """A node's label for DOT: its citation numbers first, like the answer's [n], then its
    text wrapped at words on a few short lines (cut with "…" past them)."""
    marks = "".join(f"[{n}]" for n in numbers)
    full = f"{marks} {text}" if marks else text
    lines = textwrap.wrap(" ".join(full.split()), MAP_LINE_CHARS, break_long_words=True)
    if len(lines) > MAP_LINES:
        lines = [*lines[: MAP_LINES - 1], shorten(" ".join(lines[MAP_LINES - 1 :]), MAP_LINE_CHARS)]
    escaped = (line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)
    return "\\n".join(escaped)


def branch_map(citations: list[dict[str, Any]], forest: dict[str, Any]) -> str | None:
    """DOT for the part of the mind map an answer comes from: the cited nodes, their
    ancestors and their siblings, cited nodes highlighted."""
    by_path, parent = tree_index(forest)
    cited: dict[str, dict] = {}
    numbers: dict[str, list[int]] = {}
    for citation in citations:
        path = (citation["source"]["document"], *citation["branch"])
        if path in by_path:
            node = by_path[path]
            cited[node["id"]] = node
            numbers.setdefault(node["id"], []).append(citation["n"])
    if not cited:
        return None
    shown: dict[str, dict] = {}
    edges: set[tuple[str, str]] = set()
    for node_id, node in cited.items():
        up = parent.get(node_id)
        for sibling in up["children"] if up else [node]:
            shown[sibling["id"]] = sibling
            if up:
                edges.add((up["id"], sibling["id"]))
        while up is not None:  # the ancestors, up to the section
            shown[up["id"]] = up
            above = parent.get(up["id"])
            if above:
                edges.add((above["id"], up["id"]))
            up = above
    lines = [
        "digraph branches {",
        "  rankdir=LR;",
        "  graph [ranksep=0.3, nodesep=0.12];",  # compact: it fits a phone's frame less shrunk
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f4f4", fontsize=10];',
    ]
    for node_id, node in shown.items():
        fill = ', fillcolor="#ffd54f", penwidth=2' if node_id in cited else ""
        label = _label(node["text"], numbers.get(node_id, []))
        lines.append(f'  "{node_id}" [label="{label}"{fill}];')
    lines += [f'  "{a}" -> "{b}";' for a, b in sorted(edges)]
    lines.append("}")
    return "\n".join(lines)
