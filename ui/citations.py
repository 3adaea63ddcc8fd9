"""An answer's citations as sources: each one a folded entry that, once opened, shows its
node in its branch as text (the ancestors, the node highlighted, its siblings), and the
raw lines of the file behind a "voir la source" toggle, as numbered code.

Everything here is drawn only when opened (Streamlit's lazy expanders and a toggle): an
answer's twenty citations cost twenty labels until the reader opens one, so a long
conversation stays fast. Each entry sits in a container keyed ``cite-<turn>-<n>``, which
the answer's ``[n]`` links open (layout.py's script).
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from client import ApiClient, ApiError
from render import escape, shorten, tree_index
from texts import error_line, t

SOURCE_MARGIN = 4  # lines shown around a citation
QUOTE_CHARS = 90  # a citation's label
SIBLINGS_SHOWN = 12  # a node's siblings listed around it, at most


@st.cache_data(max_entries=256, show_spinner=False)
def load_lines(
    url: str, key: str, build: str | None, document: str, start: int, end: int
) -> dict:
    return ApiClient(url, key).lines(document, start, end)


@st.cache_resource(max_entries=4, show_spinner=False)
def _index(build: str | None, _tree: dict) -> tuple[dict, dict]:
    """The trees' nodes by path and parent, once per build (not per opened citation)."""
    return tree_index(_tree)


def anchor(turn: int, n: int) -> str:
    return f"cite-{turn}-{n}"


def preview(citation: dict[str, Any]) -> str:
    """What a ``[n]`` link shows on hover or focus: the quote, its branch, its map."""
    source = citation["source"]
    return t(
        "cite_link",
        n=citation["n"],
        quote=shorten(citation["quote"], QUOTE_CHARS),
        branch=" › ".join(citation["branch"][:-1]) or citation["branch"][-1],
        map=source.get("title") or source["document"],
    )


def citation_list(turn: int, citations: list[dict], tree: dict | None, client: ApiClient,
                  build: str | None) -> None:  # fmt: skip
    st.markdown(f"**{t('citations')}**")
    several = bool(tree and len(tree["documents"]) > 1)
    for citation in citations:
        source = citation["source"]
        label = (
            f"\\[{citation['n']}\\] {escape(shorten(citation['quote'], QUOTE_CHARS))} · "
            f"{t('lines')} {source['line_start']}–{source['line_end']}"
        )
        if several:  # which map, when there are several
            label += f" · {escape(source['title'] or source['document'])}"
        with st.container(key=anchor(turn, citation["n"])):
            opened = st.expander(label, key=f"citation-{turn}-{citation['n']}", on_change="rerun")
            with opened:
                if opened.open:
                    _citation_body(turn, citation, tree, client, build)


def _citation_body(turn: int, citation: dict, tree: dict | None, client: ApiClient,
                   build: str | None) -> None:  # fmt: skip
    st.caption(t("in_branch"))
    st.markdown(branch_text(citation, tree, build))
    key = f"source-{turn}-{citation['n']}"
    if st.toggle(t("show_source"), key=key):
        source_view(citation, client, build)


def branch_text(citation: dict, tree: dict | None, build: str | None) -> str:
    """The node in its branch as an indented Markdown list: its ancestors, then its
    siblings with the node itself highlighted (the branch's titles alone when the tree
    does not hold it)."""
    path = (citation["source"]["document"], *citation["branch"])
    by_path, parent = _index(build, tree) if tree else ({}, {})
    node = by_path.get(path)
    if node is None:
        return " › ".join(escape(step) for step in citation["branch"])
    ancestors = []
    up = parent.get(node["id"])
    while up is not None:
        ancestors.append(up)
        up = parent.get(up["id"])
    lines = [f"{'  ' * depth}- {escape(a['text'])}" for depth, a in enumerate(reversed(ancestors))]
    indent = "  " * len(ancestors)
    siblings = parent[node["id"]]["children"] if node["id"] in parent else [node]
    at = next(i for i, s in enumerate(siblings) if s["id"] == node["id"])
    low = max(0, min(at - SIBLINGS_SHOWN // 2, len(siblings) - SIBLINGS_SHOWN))
    if low:
        lines.append(f"{indent}- …")
    for sibling in siblings[low : low + SIBLINGS_SHOWN]:
        text = escape(sibling["text"])
        shown = f":orange-background[**{text}**]" if sibling is node else text
        lines.append(f"{indent}- {shown}")
    if low + SIBLINGS_SHOWN < len(siblings):
        lines.append(f"{indent}- …")
    return "\n".join(lines)


def source_view(citation: dict, client: ApiClient, build: str | None) -> None:
    """The file's lines around the quote, as code with their numbers, the cited ones marked
    (an OPML map shows its XML here, as written, never as a grid)."""
    source = citation["source"]
    first, last = source["line_start"], source["line_end"]
    start = max(1, first - SOURCE_MARGIN)
    document = source["document"]
    try:
        try:
            shown = load_lines(client.url, client.key, build, document, start, last + SOURCE_MARGIN)
        except ApiError:  # near the end of the export: no lines after the quote
            shown = load_lines(client.url, client.key, build, document, start, last)
    except ApiError as error:
        st.caption(error_line(error))
        return
    lines = shown["lines"]
    st.caption(
        escape(t("source_caption", title=source.get("title") or document, start=first, end=last))
    )
    st.code(numbered(lines, first, last), language=None, wrap_lines=True)


def numbered(lines: list[dict], first: int, last: int) -> str:
    width = len(str(lines[-1]["number"])) if lines else 1
    return "\n".join(
        f"{'▶' if first <= line['number'] <= last else ' '} {line['number']:>{width}}  "
        f"{line['text']}"
        for line in lines
    )
