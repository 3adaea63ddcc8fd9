"""Example questions on the empty page, drawn from the maps themselves: the richest branch
of each section (the most nodes under it), so they change with the corpus."""

from __future__ import annotations

import streamlit as st
from render import escape
from sidebar import ask_about
from texts import t

EXAMPLES = 4
TITLE_CHARS = 60  # a longer branch title makes a poor example question


def _size(node: dict) -> int:
    return 1 + sum(_size(child) for child in node["children"])


def example_branches(tree: dict, count: int = EXAMPLES) -> list[str]:
    """One branch title per section, the sections with the largest branches first."""
    picked: list[tuple[int, str]] = []
    for one_map in tree["documents"]:
        for root in one_map["roots"]:
            branches = [c for c in root["children"] if len(c["text"]) <= TITLE_CHARS]
            if branches:
                best = max(branches, key=_size)
                picked.append((_size(best), best["text"]))
    picked.sort(key=lambda item: -item[0])
    return [text for _, text in picked[:count]]


def suggestions(tree: dict) -> None:
    branches = example_branches(tree)
    if not branches:
        return
    st.caption(t("examples"))
    with st.container(key="examples"):
        for i, branch in enumerate(branches):
            question = t("example", branch=branch)
            st.button(escape(question), key=f"example-{i}", on_click=ask_about,
                      args=(question,), type="secondary")  # fmt: skip
